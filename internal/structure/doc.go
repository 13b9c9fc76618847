// Package structure owns the tests that keep Koppeling's shape: which
// package may import which (the layers of ARCHITECTURE.md as a table), that
// only the UI imports Fyne, and how long and how branched a production
// function may grow before it needs a reason on the allow-list. It has no
// code of its own: the rules are the tests, so that breaking one fails
// `make test` instead of a review.
package structure
