package emulator

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// stateVersion is the format of the state file; Open refuses any other.
const stateVersion = 1

// stateFile is what Options.StateFile holds: the tokens with a SHA-256
// verifier of each secret, never the secret, the next id and the
// Idempotency-Key records. Stats, faults and the rate limiter are not kept.
type stateFile struct {
	Version     int              `json:"version"`
	NextID      int64            `json:"next_id"`
	Tokens      []stateToken     `json:"tokens"`
	Idempotency []stateIdemEntry `json:"idempotency"`
}

type stateToken struct {
	ID           int64               `json:"id"`
	Instance     string              `json:"instance"`
	Name         string              `json:"name"`
	Description  string              `json:"description"`
	CreatedAt    time.Time           `json:"created_at"`
	ExpiresAt    *time.Time          `json:"expires_at,omitempty"`
	LastUsedAt   *time.Time          `json:"last_used_at,omitempty"`
	Scopes       map[string][]string `json:"scopes"`
	SecretSHA256 string              `json:"secret_sha256"`
}

// stateIdemEntry records which token a key created. The response itself is
// not kept because it carries the secret.
type stateIdemEntry struct {
	Instance   string `json:"instance"`
	Admin      int    `json:"admin"`
	Key        string `json:"key"`
	BodySHA256 string `json:"body_sha256"`
	TokenID    int64  `json:"token_id"`
}

// Open returns an emulator configured by opts. With opts.StateFile set, it
// starts from that file (a missing file means an empty emulator) and writes
// every change back to it atomically. It fails, leaving the file untouched,
// when the file cannot be read or is not a state file, or when its directory
// is not writable.
func Open(opts Options) (*Emulator, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	e := newEmulator(opts)
	if opts.StateFile == "" {
		return e, nil
	}
	path := opts.StateFile
	// The lock comes first, so that no other emulator writes the file
	// between this one's read and its first write.
	lock, err := lockStateFile(path)
	if err != nil {
		return nil, err
	}
	if err := e.load(path); err != nil {
		_ = lock.Close()
		return nil, err
	}
	e.lock = lock
	return e, nil
}

// load restores the state file at path, when it exists, and makes it the
// file every change is written to.
func (e *Emulator) load(path string) error {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		data = nil
	case err != nil:
		return fmt.Errorf("cannot read state file %s: %w", path, err)
	}
	if data != nil {
		st, err := decodeState(data)
		if err == nil {
			err = e.restore(st)
		}
		if err != nil {
			return fmt.Errorf("state file %s is not a usable xano-emulator state file: %w; fix it, or move it away to start empty", path, err)
		}
	}
	// Fail now rather than on the first change if the file cannot be
	// replaced; the probe is a separate file, so the state is untouched.
	probe, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".probe-*")
	if err != nil {
		return fmt.Errorf("cannot write beside state file %s: %w", path, err)
	}
	_ = probe.Close()
	_ = os.Remove(probe.Name())
	e.statePath = path
	e.saved = data
	return nil
}

// Close ends the emulator's use of its state file: later changes stay in
// memory, and the file's lock is released for another emulator. It does
// nothing for an emulator without a state file, and may be called again.
func (e *Emulator) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.statePath = ""
	if e.lock == nil {
		return nil
	}
	err := e.lock.Close()
	e.lock = nil
	return err
}

// decodeState parses and checks a state file strictly: unknown fields and a
// different version are refused rather than silently dropped.
func decodeState(data []byte) (stateFile, error) {
	var st stateFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return st, fmt.Errorf("invalid JSON: %v", err)
	}
	if dec.More() {
		return st, errors.New("trailing data after the JSON object")
	}
	if st.Version != stateVersion {
		return st, fmt.Errorf("version %d, want %d", st.Version, stateVersion)
	}
	return st, nil
}

// restore loads st into the empty emulator e, checking that it is coherent.
func (e *Emulator) restore(st stateFile) error {
	if st.NextID < 0 {
		return fmt.Errorf("next_id %d is negative", st.NextID)
	}
	byID := map[int64]*record{}
	for i, t := range st.Tokens {
		if t.ID <= 0 || t.ID > st.NextID {
			return fmt.Errorf("tokens[%d]: id %d is not between 1 and next_id %d", i, t.ID, st.NextID)
		}
		if byID[t.ID] != nil {
			return fmt.Errorf("tokens[%d]: id %d appears twice", i, t.ID)
		}
		if t.Instance == "" {
			return fmt.Errorf("tokens[%d]: instance is empty", i)
		}
		if msg := checkName(t.Name); msg != "" {
			return fmt.Errorf("tokens[%d]: %s", i, msg)
		}
		scopes, msg := checkStoredScopes(t.Scopes)
		if msg != "" {
			return fmt.Errorf("tokens[%d]: %s", i, msg)
		}
		hash, err := hex.DecodeString(t.SecretSHA256)
		if err != nil || len(hash) != 32 {
			return fmt.Errorf("tokens[%d]: secret_sha256 must be 64 hexadecimal digits", i)
		}
		r := &record{
			id:          t.ID,
			instance:    t.Instance,
			name:        t.Name,
			description: t.Description,
			created:     t.CreatedAt.UTC(),
			scopes:      scopes,
		}
		copy(r.secretHash[:], hash)
		if e.store.secrets[r.secretHash] != nil {
			return fmt.Errorf("tokens[%d]: secret_sha256 is the same as another token's", i)
		}
		if t.ExpiresAt != nil {
			r.expires = t.ExpiresAt.UTC()
		}
		if t.LastUsedAt != nil {
			r.lastUsed = t.LastUsedAt.UTC()
		}
		byID[r.id] = r
		// Undeclared instances exist from their first use, which for a
		// restored token happened before the restart.
		e.instances.use(r.instance)
		e.store.add(r)
	}
	for _, recs := range e.store.byInstance {
		slices.SortFunc(recs, func(a, b *record) int { return cmp.Compare(a.id, b.id) })
	}
	e.store.nextID = st.NextID
	for i, en := range st.Idempotency {
		digest, err := hex.DecodeString(en.BodySHA256)
		if err != nil || len(digest) != 32 {
			return fmt.Errorf("idempotency[%d]: body_sha256 must be 64 hexadecimal digits", i)
		}
		if en.Key == "" || len(en.Key) > maxIdempotency {
			return fmt.Errorf("idempotency[%d]: key must be 1 to %d characters", i, maxIdempotency)
		}
		if en.TokenID <= 0 || en.TokenID > st.NextID {
			return fmt.Errorf("idempotency[%d]: token_id %d is not between 1 and next_id %d", i, en.TokenID, st.NextID)
		}
		ik := idemKey{instance: en.Instance, admin: en.Admin, key: en.Key}
		if _, dup := e.idem[ik]; dup {
			return fmt.Errorf("idempotency[%d]: key %q appears twice", i, en.Key)
		}
		entry := idemEntry{tokenID: en.TokenID}
		copy(entry.digest[:], digest)
		e.idem[ik] = entry
	}
	return nil
}

// checkStoredScopes accepts the scope maps that parseScopes produces.
func checkStoredScopes(in map[string][]string) (map[string][]string, string) {
	raw, err := json.Marshal(in)
	if err != nil {
		return nil, "scopes cannot be encoded"
	}
	return parseScopes(raw)
}

// snapshot renders the state as the file holds it. The caller holds e.mu.
func (e *Emulator) snapshot() stateFile {
	st := stateFile{Version: stateVersion, NextID: e.store.nextID, Tokens: []stateToken{}, Idempotency: []stateIdemEntry{}}
	for _, recs := range e.store.byInstance {
		for _, r := range recs {
			t := stateToken{
				ID:           r.id,
				Instance:     r.instance,
				Name:         r.name,
				Description:  r.description,
				CreatedAt:    r.created,
				Scopes:       r.scopes,
				SecretSHA256: hex.EncodeToString(r.secretHash[:]),
			}
			if !r.expires.IsZero() {
				exp := r.expires
				t.ExpiresAt = &exp
			}
			if !r.lastUsed.IsZero() {
				used := r.lastUsed
				t.LastUsedAt = &used
			}
			st.Tokens = append(st.Tokens, t)
		}
	}
	slices.SortFunc(st.Tokens, func(a, b stateToken) int { return cmp.Compare(a.ID, b.ID) })
	for k, en := range e.idem {
		st.Idempotency = append(st.Idempotency, stateIdemEntry{
			Instance:   k.instance,
			Admin:      k.admin,
			Key:        k.key,
			BodySHA256: hex.EncodeToString(en.digest[:]),
			TokenID:    en.tokenID,
		})
	}
	slices.SortFunc(st.Idempotency, func(a, b stateIdemEntry) int {
		return cmp.Or(cmp.Compare(a.TokenID, b.TokenID), cmp.Compare(a.Instance, b.Instance),
			cmp.Compare(a.Admin, b.Admin), cmp.Compare(a.Key, b.Key))
	})
	return st
}

// persist writes the state file when the state changed since the last
// write. The caller holds e.mu. A failed write turns the answer into a 500:
// the change stays in memory, but the caller learns that a restart would
// lose it.
func (e *Emulator) persist(rep reply) reply {
	if e.statePath == "" {
		return rep
	}
	data, err := json.MarshalIndent(e.snapshot(), "", "  ")
	if err != nil {
		return errorReply(http.StatusInternalServerError, fmt.Sprintf("The emulator cannot encode its state: %v.", err))
	}
	data = append(data, '\n')
	if bytes.Equal(data, e.saved) {
		return rep
	}
	if err := writeAtomic(e.statePath, data); err != nil {
		return errorReply(http.StatusInternalServerError, fmt.Sprintf("The change was made but the emulator could not write its state file %s: %v. Check the file's directory.", e.statePath, err))
	}
	e.saved = data
	return rep
}

// writeAtomic replaces path with data through a temporary file in the same
// directory, so a reader or a crash never sees half a file.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		_ = os.Remove(name)
	}
	return err
}
