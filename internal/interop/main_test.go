package interop

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tokensEnv names the tokens file of running GoToSocial peers.
const tokensEnv = "FEDIPORT_GTS_TOKENS"

// env is what the suite shares: the peers' tokens, the fediport-side
// server and the programs built once.
var env struct {
	skip   string            // why the suite skips, or ""
	tokens map[string]string // TOKEN_OLD_ALICE -> token, GTS_PASSWORD
	fp     *Server
	bin    string // directory of the built programs
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	file := os.Getenv(tokensEnv)
	if file == "" {
		env.skip = tokensEnv + " is not set: no GoToSocial peers to test against (see internal/interop/doc.go)"
		return m.Run()
	}
	tokens, err := readTokens(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop:", err)
		return 1
	}
	env.tokens = tokens
	addr := os.Getenv("FEDIPORT_INTEROP_ADDR")
	if addr == "" {
		addr = "127.0.0.4:80"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop: FEDIPORT_INTEROP_ADDR:", err)
		return 1
	}
	domain := "fp.test"
	if port != "80" {
		domain += ":" + port
	}
	if err := ensureHost(host, "fp.test"); err != nil {
		fmt.Fprintln(os.Stderr, "interop:", err)
		return 1
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop: listening for fp.test:", err)
		return 1
	}
	// Keys outlive a run: the peers cache fp.test's keys.
	fp, err := NewServer(ln, domain, filepath.Join(os.TempDir(), "fediport-interop-keys"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop:", err)
		return 1
	}
	defer fp.Close()
	env.fp = fp
	dir, err := os.MkdirTemp("", "fediport-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	env.bin = dir
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for _, prog := range []string{"move-check", "mastodon-import", "csv-inspect"} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, prog), "github.com/fediport/fediport/examples/"+prog)
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "interop: building %s: %v\n%s", prog, err, out)
			return 1
		}
	}
	return m.Run()
}

// peers skips t unless the GoToSocial peers are running.
func peers(t *testing.T) {
	t.Helper()
	if env.skip != "" {
		t.Skip(env.skip)
	}
}

// readTokens reads start.sh's "export NAME=VALUE" lines.
func readTokens(file string) (map[string]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		out[k] = strings.Trim(v, `'"`)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for _, k := range []string{"TOKEN_OLD_ALICE", "TOKEN_OLD_CAROL", "TOKEN_OLD_DAVE", "TOKEN_NEW_ALICE", "TOKEN_NEW_BOB", "GTS_PASSWORD"} {
		if out[k] == "" {
			return nil, fmt.Errorf("%s has no %s", file, k)
		}
	}
	return out, nil
}

// ensureHost makes name resolve to ip through /etc/hosts, adding a line
// when it does not (and the file is writable).
func ensureHost(ip, name string) error {
	if addrs, err := net.LookupHost(name); err == nil {
		for _, a := range addrs {
			if a == ip {
				return nil
			}
		}
		return fmt.Errorf("%s resolves to %v, not %s: fix /etc/hosts", name, addrs, ip)
	}
	f, err := os.OpenFile("/etc/hosts", os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("%s does not resolve and /etc/hosts is not writable (%v): add %q", name, err, ip+" "+name)
	}
	defer f.Close()
	_, err = fmt.Fprintf(f, "%s %s\n", ip, name)
	return err
}

// gts is a GoToSocial account, driven through its client API.
type gts struct {
	t     *testing.T
	base  string // http://old.test
	token string
	acct  string // alice@old.test
}

// account returns the peer account user@inst ("alice", "old").
func account(t *testing.T, user, inst string) *gts {
	t.Helper()
	tok := env.tokens["TOKEN_"+strings.ToUpper(inst+"_"+user)]
	if tok == "" {
		t.Fatalf("no token for %s@%s.test", user, inst)
	}
	return &gts{t: t, base: "http://" + inst + ".test", token: tok, acct: user + "@" + inst + ".test"}
}

// actorID returns the account's ActivityPub id.
func (g *gts) actorID() string {
	u, _, _ := strings.Cut(g.acct, "@")
	return g.base + "/users/" + u
}

// call sends a request with a form body (nil for none) and decodes a
// JSON answer into out; it fails the test on another status than 2xx.
func (g *gts) call(method, path string, form url.Values, out any) {
	g.t.Helper()
	code, body := g.try(method, path, form)
	if code < 200 || code > 299 {
		g.t.Fatalf("%s %s%s as %s: %d %s", method, g.base, path, g.acct, code, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			g.t.Fatalf("%s %s: %v in %s", method, path, err, body)
		}
	}
}

// try sends a request and returns the status and body.
func (g *gts) try(method, path string, form url.Values) (int, []byte) {
	g.t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, g.base+path, rd)
	if err != nil {
		g.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := isolatedClient.Do(req)
	if err != nil {
		g.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		g.t.Fatal(err)
	}
	return resp.StatusCode, body
}

// lookup resolves an address to the peer's account id, asking the
// account's server when the peer does not know it yet.
func (g *gts) lookup(acct string) string {
	g.t.Helper()
	var res struct {
		Accounts []struct {
			ID   string `json:"id"`
			Acct string `json:"acct"`
		} `json:"accounts"`
	}
	g.call(http.MethodGet, "/api/v2/search?"+url.Values{"q": {"@" + acct}, "resolve": {"true"}, "type": {"accounts"}}.Encode(), nil, &res)
	for _, a := range res.Accounts {
		if strings.EqualFold(a.Acct, acct) || strings.EqualFold(a.Acct+"@"+strings.TrimPrefix(g.base, "http://"), acct) {
			return a.ID
		}
	}
	g.t.Fatalf("%s cannot find %s: %+v", g.acct, acct, res.Accounts)
	return ""
}

// relationship is the part of Mastodon's Relationship entity the tests
// read.
type relationship struct {
	ID        string `json:"id"`
	Following bool   `json:"following"`
	Requested bool   `json:"requested"`
}

func (g *gts) relationship(id string) relationship {
	g.t.Helper()
	var rs []relationship
	g.call(http.MethodGet, "/api/v1/accounts/relationships?id[]="+url.QueryEscape(id), nil, &rs)
	if len(rs) != 1 {
		g.t.Fatalf("relationships of %s: %+v", id, rs)
	}
	return rs[0]
}

// export returns one of GoToSocial's CSV exports (following, followers,
// lists, blocks, mutes).
func (g *gts) export(name string) []byte {
	g.t.Helper()
	code, body := g.try(http.MethodGet, "/api/v1/exports/"+name+".csv", nil)
	if code != http.StatusOK {
		g.t.Fatalf("export %s of %s: %d %s", name, g.acct, code, body)
	}
	return body
}

// eventually polls cond every half second for up to d.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// program runs one of the built programs with a bound of two minutes
// and returns its exit code and output.
func program(t *testing.T, name string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(env.bin, name), args...)
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Logf("$ %s %s\n(exit %d)\n%s%s", name, strings.Join(args, " "), code, o.String(), e.String())
	return code, o.String(), e.String()
}

func writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// isolatedClient sends the tests' own requests over a transport of its
// own: httptest.Server.Close closes http.DefaultTransport's idle
// connections, which fails a request another parallel test is dialling
// with "http: CloseIdleConnections called".
var isolatedClient = &http.Client{Transport: &http.Transport{}}
