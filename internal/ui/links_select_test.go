package ui

import "testing"

func TestSelectFirstTriesTheChosenLinkFirst(t *testing.T) {
	infos := []LinkInfo{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	for id, want := range map[string]string{"c": "cab", "a": "abc", "": "abc", "x": "abc", "b": "bac"} {
		got := ""
		for _, i := range selectFirst(infos, id) {
			got += i.ID
		}
		if got != want {
			t.Errorf("selectFirst(%q) = %s, want %s", id, got, want)
		}
	}
	if infos[0].ID != "a" || infos[2].ID != "c" {
		t.Fatalf("selectFirst changed its argument: %+v", infos)
	}
}
