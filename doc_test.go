package fediport_test

import (
	"go/ast"
	"go/build"
	"go/doc"
	"go/doc/comment"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const modulePath = "github.com/fediport/fediport"

// sourcePackage is one directory of Go source parsed for its documentation.
type sourcePackage struct {
	importPath string
	dir        string
	fset       *token.FileSet
	files      []*ast.File
	doc        *doc.Package
	syms       map[string]bool // exported names: "Name", "Type.Method", "Type.Field"
}

// symbols lists every name a doc link may point at in p: package-level
// names, methods and struct fields, exported or not (a link to an
// unexported name resolves in go doc too, but is flagged separately).
func symbols(files []*ast.File) map[string]bool {
	syms := make(map[string]bool)
	for _, f := range files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil || len(d.Recv.List) == 0 {
					syms[d.Name.Name] = true
					continue
				}
				t := d.Recv.List[0].Type
				if s, ok := t.(*ast.StarExpr); ok {
					t = s.X
				}
				if ix, ok := t.(*ast.IndexExpr); ok {
					t = ix.X
				}
				if ix, ok := t.(*ast.IndexListExpr); ok {
					t = ix.X
				}
				if id, ok := t.(*ast.Ident); ok {
					syms[id.Name+"."+d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						syms[s.Name.Name] = true
						switch tt := s.Type.(type) {
						case *ast.StructType:
							for _, fld := range tt.Fields.List {
								for _, n := range fld.Names {
									syms[s.Name.Name+"."+n.Name] = true
								}
								if len(fld.Names) == 0 { // embedded
									t := fld.Type
									if st, ok := t.(*ast.StarExpr); ok {
										t = st.X
									}
									switch e := t.(type) {
									case *ast.Ident:
										syms[s.Name.Name+"."+e.Name] = true
									case *ast.SelectorExpr:
										syms[s.Name.Name+"."+e.Sel.Name] = true
									}
								}
							}
						case *ast.InterfaceType:
							for _, m := range tt.Methods.List {
								for _, n := range m.Names {
									syms[s.Name.Name+"."+n.Name] = true
								}
							}
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							syms[n.Name] = true
						}
					}
				}
			}
		}
	}
	return syms
}

// parseDir parses the non-test Go files of dir, or returns nil when it
// holds none.
func parseDir(t *testing.T, dir, importPath string) *sourcePackage {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		ctx := build.Default
		if ok, err := ctx.MatchFile(dir, name); err != nil || !ok {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil
	}
	p, err := doc.NewFromFiles(fset, files, importPath, doc.PreserveAST)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	return &sourcePackage{importPath: importPath, dir: dir, fset: fset, files: files, doc: p, syms: symbols(files)}
}

// modulePackages parses every package of this module (not nested modules,
// testdata or hidden folders), keyed by import path.
func modulePackages(t *testing.T) map[string]*sourcePackage {
	t.Helper()
	pkgs := make(map[string]*sourcePackage)
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if p != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules") {
			return filepath.SkipDir
		}
		if p != "." {
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir // a nested module documents itself
			}
		}
		ip := modulePath
		if p != "." {
			ip = path.Join(modulePath, filepath.ToSlash(p))
		}
		if sp := parseDir(t, p, ip); sp != nil {
			pkgs[ip] = sp
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// docComment is one comment that go doc renders, with where it is.
type docComment struct {
	pos  token.Position
	text string
}

// docComments lists the comments of p that go doc renders as doc
// comments: the package's, every declaration's and every struct field's
// and interface method's.
func (p *sourcePackage) docComments() []docComment {
	var out []docComment
	add := func(g *ast.CommentGroup) {
		if g != nil {
			out = append(out, docComment{pos: p.fset.Position(g.Pos()), text: g.Text()})
		}
	}
	for _, f := range p.files {
		add(f.Doc)
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				add(n.Doc)
			case *ast.GenDecl:
				add(n.Doc)
			case *ast.TypeSpec:
				add(n.Doc)
			case *ast.ValueSpec:
				add(n.Doc)
			case *ast.Field:
				add(n.Doc)
			}
			return true
		})
	}
	return out
}

// TestDocLinks checks that every [Name] doc link in the module's
// documentation resolves to a declaration, so that go doc and pkg.go.dev
// render it as a link and not as bracketed text.
func TestDocLinks(t *testing.T) {
	if testing.Short() {
		t.Skip("parses the whole module and the packages its docs link to; not in -short")
	}
	pkgs := modulePackages(t)
	other := make(map[string]*sourcePackage) // linked packages outside the module
	lookupOther := func(importPath string) *sourcePackage {
		if sp, ok := other[importPath]; ok {
			return sp
		}
		var sp *sourcePackage
		if bp, err := build.Import(importPath, ".", build.FindOnly); err == nil {
			sp = parseDir(t, bp.Dir, importPath)
		}
		other[importPath] = sp
		return sp
	}

	var broken []string
	for _, ip := range slices.Sorted(maps.Keys(pkgs)) {
		p := pkgs[ip]
		real := p.doc.Parser()
		// A parser that takes every bracketed name as a link shows what the
		// author meant to link; the package's real lookup then decides.
		permissive := &comment.Parser{
			LookupPackage: func(name string) (string, bool) {
				if path, ok := real.LookupPackage(name); ok {
					return path, true
				}
				return "?" + name, true
			},
			LookupSym: func(recv, name string) bool { return true },
		}
		for _, c := range p.docComments() {
			for _, link := range docLinks(permissive.Parse(c.text)) {
				target := link.ImportPath
				var sp *sourcePackage
				switch {
				case target == "":
					sp = p
				case strings.HasPrefix(target, "?"):
					// Not imported by the package: go doc still links a
					// standard library package name; anything else is text.
					std, ok := stdlibPath(strings.TrimPrefix(target, "?"))
					if !ok {
						broken = append(broken, c.pos.String()+": "+linkText(link)+": no package named "+strings.TrimPrefix(target, "?"))
						continue
					}
					target = std
					sp = lookupOther(std)
				case pkgs[target] != nil:
					sp = pkgs[target]
				default:
					sp = lookupOther(target)
				}
				if sp == nil {
					broken = append(broken, c.pos.String()+": "+linkText(link)+": package "+target+" not found")
					continue
				}
				if link.Name == "" {
					continue // a link to the package itself
				}
				key := link.Name
				if link.Recv != "" {
					key = link.Recv + "." + link.Name
				}
				if !sp.syms[key] {
					broken = append(broken, c.pos.String()+": "+linkText(link)+": no "+key+" in "+sp.importPath)
				}
			}
		}
	}
	for _, b := range broken {
		t.Error(b)
	}
}

// stdlibPath returns the import path go doc gives a package name that the
// linking package does not import: only standard library names resolve.
func stdlibPath(name string) (string, bool) {
	p := &comment.Parser{}
	links := docLinks(p.Parse("[" + name + ".X]"))
	if len(links) != 1 {
		return "", false
	}
	return links[0].ImportPath, true
}

func linkText(l *comment.DocLink) string {
	var b strings.Builder
	b.WriteString("[")
	if l.ImportPath != "" {
		b.WriteString(strings.TrimPrefix(l.ImportPath, "?"))
		b.WriteString(".")
	}
	if l.Recv != "" {
		b.WriteString(l.Recv)
		b.WriteString(".")
	}
	b.WriteString(l.Name)
	b.WriteString("]")
	return b.String()
}

// docLinks lists the doc links in d.
func docLinks(d *comment.Doc) []*comment.DocLink {
	var out []*comment.DocLink
	var walk func(texts []comment.Text)
	walk = func(texts []comment.Text) {
		for _, t := range texts {
			switch t := t.(type) {
			case *comment.DocLink:
				out = append(out, t)
			case *comment.Link:
				walk(t.Text)
			case *comment.Italic, comment.Plain:
			}
		}
	}
	for _, b := range d.Content {
		switch b := b.(type) {
		case *comment.Paragraph:
			walk(b.Text)
		case *comment.Heading:
			walk(b.Text)
		case *comment.List:
			for _, it := range b.Items {
				for _, ib := range it.Content {
					if p, ok := ib.(*comment.Paragraph); ok {
						walk(p.Text)
					}
				}
			}
		}
	}
	return out
}

// graphLine matches one line of doc.go's import graph: a package, then
// either "(leaf...)" or "-> a, b".
var graphLine = regexp.MustCompile(`^\s*([a-z][a-z0-9/]*)\s+(?:\(leaf[^)]*\)|->\s*(.*))$`)

// TestImportGraph checks that the import graph drawn in doc.go is the one
// the code has: for every public package it lists, the fediport packages it
// imports (outside internal/) are exactly the ones drawn.
func TestImportGraph(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	drawn := make(map[string][]string)
	inGraph := false
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimPrefix(line, "//")
		if strings.HasPrefix(line, " # ") {
			inGraph = strings.TrimSpace(line) == "# Import graph"
			continue
		}
		if !inGraph || !strings.HasPrefix(line, "\t") {
			continue
		}
		m := graphLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("doc.go: cannot read import graph line %q", line)
		}
		deps := []string{}
		for _, d := range strings.Split(m[2], ",") {
			if d = strings.TrimSpace(d); d != "" {
				deps = append(deps, d)
			}
		}
		sort.Strings(deps)
		drawn[m[1]] = deps
	}
	if len(drawn) == 0 {
		t.Fatal("doc.go: no import graph found under # Import graph")
	}

	actual := make(map[string][]string)
	for ip, p := range modulePackages(t) {
		rel := strings.TrimPrefix(strings.TrimPrefix(ip, modulePath), "/")
		if rel == "" || strings.HasPrefix(rel, "internal") || strings.HasPrefix(rel, "examples") {
			continue
		}
		seen := make(map[string]bool)
		actual[rel] = []string{}
		for _, f := range p.files {
			for _, imp := range f.Imports {
				path := strings.Trim(imp.Path.Value, `"`)
				dep, ok := strings.CutPrefix(path, modulePath+"/")
				if !ok || strings.HasPrefix(dep, "internal") {
					continue
				}
				seen[dep] = true
			}
		}
		for k := range seen {
			actual[rel] = append(actual[rel], k)
		}
		sort.Strings(actual[rel])
	}
	if diff := cmp.Diff(drawn, actual); diff != "" {
		t.Errorf("doc.go's import graph differs from the code (-drawn +actual):\n%s", diff)
	}
}

// TestReadmeProgram builds the complete program the README shows under
// "Use it in your module", so that it compiles as it stands.
func TestReadmeProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command; not in -short")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Use it in your module\n")
	if !ok {
		t.Fatal("README.md has no section \"Use it in your module\"")
	}
	_, program, ok := strings.Cut(section, "```go\n")
	if !ok {
		t.Fatal("README.md's \"Use it in your module\" has no Go code block")
	}
	program, _, ok = strings.Cut(program, "```")
	if !ok || !strings.HasPrefix(strings.TrimSpace(program), "// Command") || !strings.Contains(program, "package main") {
		t.Fatalf("the Go block is not a complete program:\n%s", program)
	}
	// A folder whose name starts with a dot is inside the module (so the
	// program sees this checkout's packages) but outside ./... patterns.
	dir, err := os.MkdirTemp(".", ".readme-program-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(program), 0o644); err != nil {
		t.Fatal(err)
	}
	if src, err := format.Source([]byte(program)); err != nil || string(src) != program {
		t.Errorf("README program is not gofmt-formatted (err %v)", err)
	}
	cmd := exec.Command("go", "vet", "./"+filepath.Base(dir))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("README program does not compile: %v\n%s", err, out)
	}
}
