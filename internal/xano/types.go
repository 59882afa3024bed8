package xano

// Timestamp layout the Metadata API uses, e.g. "2026-11-22 11:31:20+0000".
const TimeLayout = "2006-01-02 15:04:05-0700"

// Me is the answer of GET /auth/me.
type Me struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Token is a Metadata API access token as the API describes it. Secret is
// only present in the response to a create.
type Token struct {
	ID          int64               `json:"id"`
	Name        string              `json:"name"`
	Description string              `json:"description"`
	CreatedAt   string              `json:"created_at"`
	ExpiresAt   *string             `json:"expires_at"`
	LastUsedAt  *string             `json:"last_used_at"`
	Scopes      map[string][]string `json:"scopes"`
	Secret      string              `json:"token,omitempty"`
}

// TokenPage is one page of GET /instance/{instance}/token.
type TokenPage struct {
	Items    []Token `json:"items"`
	CurPage  int     `json:"curPage"`
	NextPage *int    `json:"nextPage"`
	PrevPage *int    `json:"prevPage"`
}

// CreateTokenRequest is the body of POST /instance/{instance}/token.
// ExpiresIn is in seconds; 0 means the token never expires, otherwise it is
// at least 3600.
type CreateTokenRequest struct {
	Name        string              `json:"name"`
	Description string              `json:"description"`
	ExpiresIn   int64               `json:"expires_in"`
	Scopes      map[string][]string `json:"scopes"`
}

// UpdateTokenRequest is the body of POST /instance/{instance}/token/{id}.
// Only name and description can change after a token is minted.
type UpdateTokenRequest struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
}

// ErrorBody is the JSON body of every Metadata API error. TokenID is sent
// only with ERROR_CODE_CONFLICT, naming the token a remembered
// Idempotency-Key minted.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	TokenID int64  `json:"token_id,omitempty"`
}

// Xano error codes.
const (
	CodeInputError      = "ERROR_CODE_INPUT_ERROR"
	CodeUnauthorized    = "ERROR_CODE_UNAUTHORIZED"
	CodeAccessDenied    = "ERROR_CODE_ACCESS_DENIED"
	CodeNotFound        = "ERROR_CODE_NOT_FOUND"
	CodeTooManyRequests = "ERROR_CODE_TOO_MANY_REQUESTS"
	CodeConflict        = "ERROR_CODE_CONFLICT"
	CodeFatal           = "ERROR_FATAL"
)

// MaxActiveTokens is Xano's limit of active tokens per account and instance.
const MaxActiveTokens = 10

// LimitMessage is the message of the 400 answered to the 11th create; the
// client recognises the limit by the phrase "active tokens".
const LimitMessage = "Token limit reached: Xano allows at most 10 active tokens per instance. Delete or let a token expire before creating another."
