# Every instance of the account, each with the URL of its own Metadata API,
# where tokens minted for it are used.
data "xano_instances" "all" {}

output "instance_meta_apis" {
  value = { for i in data.xano_instances.all.instances : i.name => i.meta_api }
}
