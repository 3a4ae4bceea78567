package fediport_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestExamplesUsePublicPackages keeps two claims of doc.go true: every
// Example function and every program in examples/ uses public packages
// only (so each can be copied into a module of one's own), and nothing
// but the programs in examples/ imports examples/cli or examples/termtext.
// The shell packages themselves may use the module's internals: a copied
// program imports them from the module.
func TestExamplesUsePublicPackages(t *testing.T) {
	var checked int
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules" || p == "internal") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(p))
		program := strings.HasPrefix(dir, "examples/") && dir != "examples/cli" && dir != "examples/termtext" && !strings.HasSuffix(name, "_test.go")
		shellUser := strings.HasPrefix(dir, "examples/")
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		example := false
		if strings.HasSuffix(name, "_test.go") {
			full, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			for _, decl := range full.Decls {
				if fn, ok := decl.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Example") {
					example = true
				}
			}
		}
		if program || example {
			checked++
		}
		for _, imp := range f.Imports {
			ip, _ := strconv.Unquote(imp.Path.Value)
			if (program || example) && strings.HasPrefix(ip, modulePath+"/internal") {
				t.Errorf("%s imports %s: an Example or program must use public packages only", p, ip)
			}
			if !shellUser && (ip == modulePath+"/examples/cli" || ip == modulePath+"/examples/termtext") {
				t.Errorf("%s imports %s, which only the programs in examples/ use", p, ip)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Errorf("only %d Example files and programs found: the walk misses them", checked)
	}
}
