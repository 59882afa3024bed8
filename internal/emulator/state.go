package emulator

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"
)

// Formats of the state file. Version 2 is a snapshot line followed by one
// journal line per change; version 1, one JSON object rewritten on every
// change, is still read, and rewritten as version 2 when opened.
const (
	stateVersionV1 = 1
	stateVersion   = 2
)

// idempotencyTTL is how long an Idempotency-Key is remembered, by the
// emulator's clock; a retry comes within minutes, and a key older than this
// is forgotten so that the records do not grow with the history.
const idempotencyTTL = 24 * time.Hour

// A journal longer than compactFactor times the snapshot, and than
// compactMin bytes, is folded into a new snapshot. Each change then costs one
// append, and the rewrites, each as long as the snapshot, come at most once
// per compactFactor snapshots of changes.
const (
	compactFactor = 4
	compactMin    = 64 << 10
)

// stateFile is a snapshot of what Options.StateFile holds: the tokens with a
// SHA-256 verifier of each secret, never the secret, the next id and the
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
// not kept because it carries the secret. CreatedAt is absent from version 1
// files; such a record is kept for a full period from the load.
type stateIdemEntry struct {
	Instance   string     `json:"instance"`
	Admin      int        `json:"admin"`
	Key        string     `json:"key"`
	BodySHA256 string     `json:"body_sha256,omitempty"`
	TokenID    int64      `json:"token_id,omitempty"`
	CreatedAt  *time.Time `json:"created_at,omitempty"`
}

// journalEntry is one line after the snapshot: a token written (created,
// renamed or used) or deleted, an Idempotency-Key recorded or expired.
type journalEntry struct {
	Op          string          `json:"op"`
	NextID      int64           `json:"next_id,omitempty"`
	Token       *stateToken     `json:"token,omitempty"`
	ID          int64           `json:"id,omitempty"`
	Idempotency *stateIdemEntry `json:"idempotency,omitempty"`
}

const (
	opPutToken    = "put_token"
	opDeleteToken = "delete_token"
	opPutIdem     = "put_idempotency"
	opDeleteIdem  = "delete_idempotency"
)

// stateStore is an open state file: locked, with what it holds, so that a
// change appends only what differs.
type stateStore struct {
	// path is the file's real path, its symbolic links resolved, so that a
	// compaction replaces the file and not a link to it.
	path string
	// file is open and locked until Close; on Windows it is only open.
	file *os.File
	// size is the length of the file, snapshotSize that of its first line.
	size, snapshotSize int64
	// written holds each token as the file last wrote it.
	written map[int64][]byte
	// touched are the tokens a request may have changed, pending the idempotency
	// changes not yet written.
	touched map[int64]bool
	pending []journalEntry
	// stale reports a failed append: the file may end in a partial line,
	// so the next change rewrites it whole.
	stale bool
}

// Open returns an emulator configured by opts. With opts.StateFile set, it
// starts from that file, creating it with an empty state when it is missing,
// and writes every change to it. It fails, leaving the file untouched, when
// the file cannot be read or is not a state file, when its directory is not
// writable, or when another emulator holds it.
func Open(opts Options) (*Emulator, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	e := newEmulator(opts)
	if opts.StateFile == "" {
		return e, nil
	}
	st, err := e.openState(opts.StateFile)
	if err != nil {
		return nil, err
	}
	e.state = st
	return e, nil
}

// openState opens, locks and loads the state file, then rewrites it as a
// snapshot: a version 1 file becomes version 2, a journal is folded in,
// expired keys are dropped, and a directory that cannot be written to is
// found now rather than at the first change.
func (e *Emulator) openState(path string) (*stateStore, error) {
	real, err := resolvePath(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open state file %s: %w", path, err)
	}
	f, created, err := openLocked(path, real)
	if err != nil {
		return nil, err
	}
	st := &stateStore{path: real, file: f, written: map[int64][]byte{}, touched: map[int64]bool{}}
	if !created {
		data, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<62))
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("cannot read state file %s: %w", path, err)
		}
		snap, err := decodeState(data)
		if err == nil {
			err = e.restore(snap)
		}
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("state file %s is not a usable xano-emulator state file: %w; fix it, or move it away to start empty", path, err)
		}
	}
	e.state = st
	if err := e.compact(); err != nil {
		e.state = nil
		_ = st.file.Close()
		return nil, fmt.Errorf("cannot write state file %s: %w; check its directory", path, err)
	}
	return st, nil
}

// resolvePath follows the symbolic links of path, a dangling last one
// included, so that every name of a state file leads to the same file.
func resolvePath(path string) (string, error) {
	p := path
	for range 40 {
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			return filepath.Abs(real)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			if err != nil {
				return "", err
			}
			if !filepath.IsAbs(target) {
				target = filepath.Join(filepath.Dir(p), target)
			}
			p = target
			continue
		}
		dir, err := filepath.EvalSymlinks(filepath.Dir(p))
		if err != nil {
			return "", err
		}
		return filepath.Abs(filepath.Join(dir, filepath.Base(p)))
	}
	return "", errors.New("too many levels of symbolic links")
}

// openLocked opens the state file at its real path and locks the file
// itself, so that a symbolic or hard link to it finds the lock too. A missing
// file is created with an empty state, by a link that never replaces a file
// another emulator created meanwhile. The boolean reports a created file.
func openLocked(path, real string) (*os.File, bool, error) {
	for range 10 {
		created := false
		f, err := os.OpenFile(real, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) {
			f, err = createEmpty(real)
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			if err != nil {
				return nil, false, fmt.Errorf("cannot create state file %s: %w", path, err)
			}
			created = true
		} else if err != nil {
			return nil, false, fmt.Errorf("cannot read state file %s: %w", path, err)
		}
		if err := lockFile(f); err != nil {
			_ = f.Close()
			if errors.Is(err, errLocked) {
				return nil, false, fmt.Errorf("state file %s is in use by another xano-emulator; stop that one, or give this one another --state-file", path)
			}
			return nil, false, fmt.Errorf("cannot lock state file %s: %w", path, err)
		}
		// A compaction may have replaced the file between the open and the
		// lock; the lock then holds a file no longer at the path.
		held, err1 := f.Stat()
		now, err2 := os.Stat(real)
		if err1 != nil || err2 != nil || !os.SameFile(held, now) {
			_ = f.Close()
			continue
		}
		if n := linkCount(held); n > 1 {
			_ = f.Close()
			return nil, false, fmt.Errorf("state file %s has %d hard links: the emulator replaces the file as it compacts it, which would leave the other names behind with old tokens; keep one name, and use a symbolic link for any other", path, n)
		}
		return f, created, nil
	}
	return nil, false, fmt.Errorf("cannot open state file %s: it kept being replaced while this emulator opened it", path)
}

// createEmpty writes an empty state beside real and links it there, failing
// with fs.ErrExist when a file appeared at real meanwhile.
func createEmpty(real string) (*os.File, error) {
	data, err := snapshotLine(stateFile{Version: stateVersion, Tokens: []stateToken{}, Idempotency: []stateIdemEntry{}})
	if err != nil {
		return nil, err
	}
	tmp, err := writeTemp(real, data)
	if err != nil {
		return nil, err
	}
	err = os.Link(tmp.Name(), real)
	_ = os.Remove(tmp.Name())
	if err != nil {
		_ = tmp.Close()
		return nil, err
	}
	return tmp, nil
}

// writeTemp writes data to a new file beside path, synced to disk, and
// returns it open for reading and writing.
func writeTemp(path string, data []byte) (*os.File, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return nil, err
	}
	return tmp, nil
}

// Close ends the emulator's use of its state file: later changes stay in
// memory, and the file's lock is released for another emulator. It does
// nothing for an emulator without a state file, and may be called again.
func (e *Emulator) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.state == nil {
		return nil
	}
	err := e.state.file.Close()
	e.state = nil
	return err
}

// decodeState parses and checks a state file strictly, applying a version 2
// journal to its snapshot: unknown fields, another version and a malformed
// line are refused rather than silently dropped. Only a last line without
// its newline is ignored: the write of that change never completed, so it was
// never acknowledged.
func decodeState(data []byte) (stateFile, error) {
	var st stateFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return st, fmt.Errorf("invalid JSON: %v", err)
	}
	switch st.Version {
	case stateVersionV1:
		if dec.More() {
			return st, errors.New("trailing data after the JSON object")
		}
		return st, nil
	case stateVersion:
	default:
		return st, fmt.Errorf("version %d, want %d or %d", st.Version, stateVersionV1, stateVersion)
	}
	rest := data[dec.InputOffset():]
	if len(rest) == 0 || rest[0] != '\n' {
		return st, errors.New("the snapshot on line 1 is not followed by a newline")
	}
	rest = rest[1:]
	if i := bytes.LastIndexByte(rest, '\n'); i < len(rest)-1 {
		rest = rest[:i+1]
	}
	j, err := newJournal(st)
	if err != nil {
		return st, err
	}
	for n, line := range bytes.SplitAfter(rest, []byte("\n")) {
		if len(line) == 0 {
			break
		}
		if err := j.apply(line); err != nil {
			return st, fmt.Errorf("line %d: %w", n+2, err)
		}
	}
	return j.result(), nil
}

// journal replays journal lines over a snapshot.
type journal struct {
	nextID int64
	tokens map[int64]stateToken
	idem   map[idemKey]stateIdemEntry
}

// newJournal starts from a snapshot, refusing an id or a key it lists
// twice, which a journal would otherwise silently merge.
func newJournal(st stateFile) (*journal, error) {
	j := &journal{nextID: st.NextID, tokens: map[int64]stateToken{}, idem: map[idemKey]stateIdemEntry{}}
	for i, t := range st.Tokens {
		if _, dup := j.tokens[t.ID]; dup {
			return nil, fmt.Errorf("tokens[%d]: id %d appears twice", i, t.ID)
		}
		j.tokens[t.ID] = t
	}
	for i, en := range st.Idempotency {
		k := idemKey{en.Instance, en.Admin, en.Key}
		if _, dup := j.idem[k]; dup {
			return nil, fmt.Errorf("idempotency[%d]: key %q appears twice", i, en.Key)
		}
		j.idem[k] = en
	}
	return j, nil
}

func (j *journal) apply(line []byte) error {
	var en journalEntry
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&en); err != nil {
		return fmt.Errorf("invalid JSON: %v", err)
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	switch {
	case en.Op == opPutToken && en.Token != nil:
		j.tokens[en.Token.ID] = *en.Token
		j.nextID = max(j.nextID, en.NextID)
	case en.Op == opDeleteToken && en.ID > 0:
		if _, ok := j.tokens[en.ID]; !ok {
			return fmt.Errorf("%s of token %d, which does not exist", en.Op, en.ID)
		}
		delete(j.tokens, en.ID)
	case en.Op == opPutIdem && en.Idempotency != nil:
		i := en.Idempotency
		j.idem[idemKey{i.Instance, i.Admin, i.Key}] = *i
	case en.Op == opDeleteIdem && en.Idempotency != nil:
		i := en.Idempotency
		k := idemKey{i.Instance, i.Admin, i.Key}
		if _, ok := j.idem[k]; !ok {
			return fmt.Errorf("%s of key %q, which is not recorded", en.Op, i.Key)
		}
		delete(j.idem, k)
	default:
		return fmt.Errorf("unknown operation %q, or its object is missing", en.Op)
	}
	return nil
}

// result is the state the journal leads to, in the order of a snapshot.
func (j *journal) result() stateFile {
	st := stateFile{Version: stateVersion, NextID: j.nextID, Tokens: []stateToken{}, Idempotency: []stateIdemEntry{}}
	for _, t := range j.tokens {
		st.Tokens = append(st.Tokens, t)
	}
	for _, en := range j.idem {
		st.Idempotency = append(st.Idempotency, en)
	}
	sortState(&st)
	return st
}

func sortState(st *stateFile) {
	slices.SortFunc(st.Tokens, func(a, b stateToken) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(st.Idempotency, func(a, b stateIdemEntry) int {
		return cmp.Or(cmp.Compare(a.TokenID, b.TokenID), cmp.Compare(a.Instance, b.Instance),
			cmp.Compare(a.Admin, b.Admin), cmp.Compare(a.Key, b.Key))
	})
}

// restore loads st into the empty emulator e, checking that it is coherent.
// Idempotency records older than idempotencyTTL are dropped.
func (e *Emulator) restore(st stateFile) error {
	if st.NextID < 0 {
		return fmt.Errorf("next_id %d is negative", st.NextID)
	}
	for i, t := range st.Tokens {
		if t.ID <= 0 || t.ID > st.NextID {
			return fmt.Errorf("tokens[%d]: id %d is not between 1 and next_id %d", i, t.ID, st.NextID)
		}
		if e.store.byID[t.ID] != nil {
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
		// Undeclared instances exist from their first use, which for a
		// restored token happened before the restart.
		e.instances.use(r.instance)
		e.store.add(r)
	}
	for _, recs := range e.store.byInstance {
		slices.SortFunc(recs, func(a, b *record) int { return cmp.Compare(a.id, b.id) })
	}
	e.store.nextID = st.NextID
	now := e.clock()
	slices.SortStableFunc(st.Idempotency, func(a, b stateIdemEntry) int {
		return compareTimes(a.CreatedAt, b.CreatedAt)
	})
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
		entry := idemEntry{tokenID: en.TokenID, created: now}
		if en.CreatedAt != nil {
			entry.created = en.CreatedAt.UTC()
		}
		if idemExpired(entry, now) {
			continue
		}
		copy(entry.digest[:], digest)
		e.putIdem(ik, entry)
	}
	return nil
}

// compareTimes orders optional times, a missing one last.
func compareTimes(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Compare(*b)
}

// checkStoredScopes accepts the scope maps that parseScopes produces.
func checkStoredScopes(in map[string][]string) (map[string][]string, string) {
	raw, err := json.Marshal(in)
	if err != nil {
		return nil, "scopes cannot be encoded"
	}
	return parseScopes(raw)
}

// tokenState renders a token as the file holds it.
func tokenState(r *record) stateToken {
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
	return t
}

func idemState(k idemKey, en idemEntry) stateIdemEntry {
	created := en.created
	return stateIdemEntry{
		Instance:   k.instance,
		Admin:      k.admin,
		Key:        k.key,
		BodySHA256: hex.EncodeToString(en.digest[:]),
		TokenID:    en.tokenID,
		CreatedAt:  &created,
	}
}

// snapshot renders the whole state. The caller holds e.mu.
func (e *Emulator) snapshot() stateFile {
	st := stateFile{Version: stateVersion, NextID: e.store.nextID, Tokens: []stateToken{}, Idempotency: []stateIdemEntry{}}
	for _, r := range e.store.byID {
		st.Tokens = append(st.Tokens, tokenState(r))
	}
	now := e.clock()
	for k, en := range e.idem {
		if !idemExpired(en, now) {
			st.Idempotency = append(st.Idempotency, idemState(k, en))
		}
	}
	sortState(&st)
	return st
}

func snapshotLine(st stateFile) ([]byte, error) {
	data, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// touch notes that a request may have changed token id, for persist to
// compare with the file. The caller holds e.mu.
func (e *Emulator) touch(id int64) {
	if e.state != nil {
		e.state.touched[id] = true
	}
}

// journalIdem queues an idempotency record's change. The caller holds e.mu.
func (e *Emulator) journalIdem(op string, k idemKey, en idemEntry) {
	if e.state == nil {
		return
	}
	s := idemState(k, en)
	if op == opDeleteIdem {
		s = stateIdemEntry{Instance: k.instance, Admin: k.admin, Key: k.key}
	}
	e.state.pending = append(e.state.pending, journalEntry{Op: op, Idempotency: &s})
}

// persist appends the request's changes to the state file, and compacts it
// once the journal outgrows the snapshot. The caller holds e.mu. A failed
// write turns the answer into a 500: the change stays in memory, but the
// caller learns that a restart would lose it.
func (e *Emulator) persist(rep reply) reply {
	s := e.state
	if s == nil {
		return rep
	}
	lines, err := e.changes()
	if err != nil {
		return errorReply(http.StatusInternalServerError, fmt.Sprintf("The emulator cannot encode its state: %v.", err))
	}
	if len(lines) == 0 && !s.stale {
		return rep
	}
	if s.stale {
		err = e.compact()
	} else {
		err = s.append(lines)
	}
	if err != nil {
		return errorReply(http.StatusInternalServerError, fmt.Sprintf("The change was made but the emulator could not write its state file %s: %v. Check the file's directory.", s.path, err))
	}
	if s.size > max(compactFactor*s.snapshotSize, compactMin) {
		// The change is already safe in the journal; a compaction that fails
		// leaves the file as it was, to be tried again at the next change.
		_ = e.compact()
	}
	return rep
}

// changes encodes, as journal lines, the differences between the touched
// tokens and the file, then the pending idempotency changes, and clears both.
// The caller holds e.mu.
func (e *Emulator) changes() ([]byte, error) {
	s := e.state
	ids := make([]int64, 0, len(s.touched))
	for id := range s.touched {
		ids = append(ids, id)
	}
	clear(s.touched)
	slices.Sort(ids)
	var out []byte
	add := func(en journalEntry) error {
		line, err := json.Marshal(en)
		if err != nil {
			return err
		}
		out = append(append(out, line...), '\n')
		return nil
	}
	for _, id := range ids {
		r := e.store.byID[id]
		if r == nil {
			if _, ok := s.written[id]; ok {
				delete(s.written, id)
				if err := add(journalEntry{Op: opDeleteToken, ID: id}); err != nil {
					return nil, err
				}
			}
			continue
		}
		t := tokenState(r)
		enc, err := json.Marshal(t)
		if err != nil {
			return nil, err
		}
		if bytes.Equal(enc, s.written[id]) {
			continue
		}
		s.written[id] = enc
		if err := add(journalEntry{Op: opPutToken, NextID: e.store.nextID, Token: &t}); err != nil {
			return nil, err
		}
	}
	for _, en := range s.pending {
		if err := add(en); err != nil {
			return nil, err
		}
	}
	s.pending = s.pending[:0]
	return out, nil
}

// append writes lines at the end of the file and syncs them. On failure it
// cuts the file back to its last complete line, and marks it stale so that
// the next change rewrites it whatever that cut did.
func (s *stateStore) append(lines []byte) error {
	n, err := s.file.WriteAt(lines, s.size)
	if err == nil {
		err = s.file.Sync()
	}
	if err != nil {
		if n > 0 {
			_ = s.file.Truncate(s.size)
		}
		s.stale = true
		return err
	}
	s.size += int64(n)
	return nil
}

// compact replaces the state file with a snapshot of the state. The new file
// is locked before it takes the old one's name, so that the name always
// leads to a locked file. The caller holds e.mu, or is Open.
func (e *Emulator) compact() error {
	s := e.state
	st := e.snapshot()
	data, err := snapshotLine(st)
	if err != nil {
		return err
	}
	tmp, err := writeTemp(s.path, data)
	if err != nil {
		return err
	}
	if err := lockFile(tmp); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return err
	}
	if runtime.GOOS == "windows" {
		// Windows renames no file that is open, and locks none here.
		_ = tmp.Close()
		_ = s.file.Close()
		if err := os.Rename(tmp.Name(), s.path); err != nil {
			_ = os.Remove(tmp.Name())
			f, rerr := os.OpenFile(s.path, os.O_RDWR, 0)
			if rerr == nil {
				s.file = f
			}
			return err
		}
		if tmp, err = os.OpenFile(s.path, os.O_RDWR, 0); err != nil {
			return err
		}
	} else if err := os.Rename(tmp.Name(), s.path); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return err
	} else {
		syncDir(filepath.Dir(s.path))
		_ = s.file.Close()
	}
	s.file = tmp
	s.size = int64(len(data))
	s.snapshotSize = s.size
	s.stale = false
	clear(s.written)
	for _, t := range st.Tokens {
		enc, err := json.Marshal(t)
		if err != nil {
			return err
		}
		s.written[t.ID] = enc
	}
	clear(s.touched)
	s.pending = s.pending[:0]
	return nil
}

// syncDir makes a rename in dir durable; where a directory cannot be
// synced, the rename is still atomic, only perhaps not yet on disk.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
