package backend

// This file owns the conversion of the engine's and the services' values
// into the UI's (internal/ui/model): field for field, nothing decided here.
// Attention items and progress need none: engine and UI share package
// report.

import (
	"errors"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/ui/model"
)

// loginProblem is the services' login problem as the UI's (nil for nil).
func loginProblem(p *services.LoginProblem) *model.LoginProblem {
	if p == nil {
		return nil
	}
	return &model.LoginProblem{Service: string(p.Service), Kind: model.ProblemKind(p.Kind),
		Field: model.LoginField(p.Field), Detail: p.Detail}
}

// withLoginProblem is err with the UI's login problem in its chain when err
// holds the services' one; its text and the rest of its chain stay as they
// are.
func withLoginProblem(err error) error {
	var p *services.LoginProblem
	if !errors.As(err, &p) {
		return err
	}
	return &problemError{err: err, problem: loginProblem(p)}
}

// problemError is an error whose chain also holds the UI's login problem.
type problemError struct {
	err     error
	problem *model.LoginProblem
}

func (e *problemError) Error() string   { return e.err.Error() }
func (e *problemError) Unwrap() []error { return []error{e.problem, e.err} }

// RunSummary is the engine's summary of a run as the UI tells it.
func RunSummary(s engine.Summary) model.RunSummary {
	return model.RunSummary{Relations: s.Relations, Materials: s.Materials, HourTypes: s.HourTypes,
		RelationsCreated: s.RelationsCreated, Invoices: s.Invoices, Handled: s.Handled, Attention: s.Attention,
		Open: s.Open, Message: s.Message}
}
