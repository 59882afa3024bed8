// Package lifecycle is the token's lifecycle without Terraform: what a
// configuration wants (Desired), what exists (Minted), one pure decision
// between them (Decide), and one service that mints, revokes and reads
// tokens through the xano client (Service).
package lifecycle
