package content

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// SplitList splits a comma-separated list (keywords, a synonym group) into its trimmed,
// non-empty items.
func SplitList(s string) []string {
	var items []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

// parseSynonyms reads
//
//	synonyms:
//	  ru:
//	    - коляска, кресло-коляска, технические средства реабилитации
//	  kk:
//	    - ...
//
// Each line is a group of words or phrases that search treats as meaning the same.
func (l *loader) parseSynonyms(v *yaml.Node) {
	if v.Kind != yaml.MappingNode {
		l.errorf(v.Line, "synonyms must give kk and ru lists (kk: [...], ru: [...])")
		return
	}
	if l.c.synonyms == nil {
		l.c.synonyms = map[Lang][][]string{}
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		key, val := v.Content[i], v.Content[i+1]
		lang, ok := ParseLang(key.Value)
		if !ok || string(lang) != key.Value {
			l.errorf(key.Line, "unknown language %q in synonyms (expected kk and ru)", key.Value)
			continue
		}
		for _, g := range l.list(val, "synonyms."+key.Value) {
			group := SplitList(l.scalar(g, "a synonym group"))
			if len(group) < 2 {
				l.errorf(g.Line, "a synonym group needs at least two words or phrases, separated by commas")
				continue
			}
			l.c.synonyms[lang] = append(l.c.synonyms[lang], group)
		}
	}
}
