# Import an existing token by "<instance>/<token id>". The secret cannot be
# recovered: after an import, the token attribute is null.
terraform import xano_metadata_token.weweb main/42
