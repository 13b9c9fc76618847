package ui

// This file owns the link the window selects at start (Options.SelectLink).

// selectFirst is infos with the link whose ID is id moved to the front, so
// that it is tried first; infos as they are when no link has that ID.
func selectFirst(infos []LinkInfo, id string) []LinkInfo {
	for i, info := range infos {
		if info.ID == id && id != "" {
			out := append([]LinkInfo{info}, infos[:i]...)
			return append(out, infos[i+1:]...)
		}
	}
	return infos
}
