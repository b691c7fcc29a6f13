// Package locales holds the bot's interface strings (buttons, prompts, errors) in Kazakh and
// Russian, as go-i18n message files embedded in the binary.
package locales

import (
	"embed"
	"fmt"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed active.*.toml
var files embed.FS

// Files lists the embedded message files, one per language.
var Files = []string{"active.kk.toml", "active.ru.toml"}

// Bundle loads every embedded message file into a go-i18n bundle.
func Bundle() (*i18n.Bundle, error) {
	b := i18n.NewBundle(language.Russian)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, f := range Files {
		if _, err := b.LoadMessageFileFS(files, f); err != nil {
			return nil, fmt.Errorf("locales: %w", err)
		}
	}
	return b, nil
}

// Read returns the raw bytes of an embedded message file, for checks that compare them.
func Read(name string) ([]byte, error) { return files.ReadFile(name) }
