variable "recipe" {
  description = "The scope guide recipe the token follows: weweb, monitoring, automation, admin_dashboard or analytics."
  type        = string

  validation {
    condition     = contains(["weweb", "monitoring", "automation", "admin_dashboard", "analytics"], var.recipe)
    error_message = "The recipe must be one of weweb, monitoring, automation, admin_dashboard or analytics."
  }
}

variable "instance" {
  description = "The Xano instance the token belongs to."
  type        = string
}

variable "name" {
  description = "The token's name; defaults to \"<recipe>-integration\"."
  type        = string
  default     = null
}

variable "description" {
  description = "What the token is for; defaults to the recipe's purpose."
  type        = string
  default     = null
}

variable "expires_in" {
  description = "The token's lifetime, such as \"30d\"."
  type        = string
  default     = "30d"
}

variable "rotate_before" {
  description = "Plan a replacement this long before the token expires."
  type        = string
  default     = "7d"
}

variable "risk_acknowledgement" {
  description = "Why the recipe's risky grants are acceptable, and who approved them; needed under an enforcing policy for automation and admin_dashboard."
  type        = string
  default     = null
}
