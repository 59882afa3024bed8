package lifecycle

import (
	"context"
	"errors"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Service mints, reads and revokes tokens for the resource and the ephemeral
// resource alike, with one idempotency scheme and one meaning of "gone".
type Service struct {
	Client *xano.Client
	// Ledger, when set, learns of every token the service revokes.
	Ledger *Ledger
	// Lists, when set, answers Read from each instance's list.
	Lists *Lists
	// Instances, when set, tells a token API that is missing from a wrong
	// instance name: see xano.Directory.ExplainNotFound.
	Instances *xano.Directory
}

// Mint carries out intent: it creates req on instance with the intent's
// key, so a repeat after a lost answer returns the token already minted.
// When the server remembers the key but can no longer return its token (it
// restarted), it revokes that token and mints again with a new key, so
// nothing is left behind and the secret is known.
func (s *Service) Mint(ctx context.Context, instance string, req xano.CreateTokenRequest, intent Intent) (*xano.Token, error) {
	tok, err := s.Client.CreateTokenWithKey(ctx, instance, req, intent.Key)
	id, conflict := xano.ConflictTokenID(err)
	if !conflict {
		return tok, s.Instances.ExplainNotFound(ctx, instance, err)
	}
	if rerr := s.Revoke(ctx, instance, id); rerr != nil {
		return nil, errors.Join(err, rerr)
	}
	fresh, ierr := NewIntent(req)
	if ierr != nil {
		return nil, ierr
	}
	return s.Client.CreateTokenWithKey(ctx, instance, req, fresh.Key)
}

// Read returns a token; gone is true only when the API proves it no longer
// exists (Xano's not-found code and an instance list without it), since a
// proxy or a wrong base_url also answers 404, and dropping a live token from
// state would mint a duplicate. With Lists, a token is answered from its
// instance's list, and one the list lacks is read on its own before it is
// called gone. When the list fails, every token is read on its own, and
// failed is set for the first reader of the instance, to warn once; when it
// fails because the API serves no token endpoints, that is every Read's
// error.
func (s *Service) Read(ctx context.Context, instance string, id int64) (tok *xano.Token, gone bool, failed *ListFailure, err error) {
	if s.Lists != nil {
		var listed bool
		tok, listed, failed, err = s.Lists.find(ctx, instance, id)
		if listed || err != nil {
			return tok, false, nil, err
		}
	}
	tok, err = s.Client.GetToken(ctx, instance, id)
	if err == nil {
		return tok, false, failed, nil
	}
	gone, err = s.Client.ConfirmTokenGone(ctx, instance, id, err)
	return nil, gone, failed, s.Instances.ExplainNotFound(ctx, instance, err)
}

// Revoke revokes a token; one already gone, by the same proof as Read,
// counts as revoked.
func (s *Service) Revoke(ctx context.Context, instance string, id int64) error {
	err := s.Client.RevokeToken(ctx, instance, id)
	if err == nil {
		s.Ledger.NoteRevoked(instance, id)
	}
	return s.Instances.ExplainNotFound(ctx, instance, err)
}
