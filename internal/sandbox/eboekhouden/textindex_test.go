package eboekhouden

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestTextIndexMatchesAScan changes, adds and searches texts at random and
// checks every search against a scan of the current texts, across rebuilds
// of the corpus.
func TestTextIndexMatchesAScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 4))
	alphabet := []string{"a", "b", "c", "ab", "klant ", "é", searchSep, "\xff"}
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	var texts []string
	for range 300 {
		texts = append(texts, word(rng.IntN(8)))
	}
	ti := newTextIndex(len(texts), 0, func(dst []byte, i int) []byte { return append(dst, texts[i]...) })
	rebuilds := 0
	for step := range 4000 {
		if rng.IntN(3) > 0 {
			i := rng.IntN(len(texts) + 1)
			text := word(rng.IntN(8))
			if i == len(texts) {
				texts = append(texts, text)
			} else {
				texts[i] = text
			}
			before := len(ti.changed)
			ti.set(i, text)
			if len(ti.changed) < before {
				rebuilds++
			}
			continue
		}
		needle := word(1 + rng.IntN(3))
		limit := 1 + rng.IntN(len(texts)+1)
		var got, want []int
		ti.search(needle, func(i int) bool {
			got = append(got, i)
			return len(got) < limit
		})
		for i, text := range texts {
			if len(want) < limit && strings.Contains(text, needle) {
				want = append(want, i)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d, search %q (limit %d):\n got %v\nwant %v", step, needle, limit, got, want)
		}
	}
	if !reflect.DeepEqual(ti.texts, texts) {
		t.Error("texts differ")
	}
	if rebuilds == 0 {
		t.Error("the corpus was never rebuilt: the test does not cover it")
	}
}

func TestAppendLowerMatchesToLower(t *testing.T) {
	for _, s := range []string{"", "abc", "ABC xyz", "BR00042 Klant", "@[`{", "ÉCOLE", "İstanbul", "ẞ", "bad \xff UPPER", "Σ"} {
		if got, want := string(appendLower([]byte("x"), s)), "x"+strings.ToLower(s); got != want {
			t.Errorf("appendLower(%q) = %q, want %q", s, got, want)
		}
	}
}
