package backend

// This file owns the export settings' pickers on e-Boekhouden's REST road
// (issue 17): the lists they offer, and the check of a newly chosen cost
// centre against the administration before it is saved.

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/store"
)

// SettingChoices reads what the export settings offer with the saved
// credentials: the invoice templates, revenue ledgers and cost centres on
// the REST road, the revenue ledgers on the SOAP road. Refused credentials
// are a *report.LoginProblem in the error's chain.
func (p *Parts) SettingChoices(ctx context.Context) (report.SettingChoices, error) {
	c, err := p.Credentials()
	if err != nil {
		return report.SettingChoices{}, err
	}
	return services.SettingChoices(ctx, c, p.Endpoints)
}

// checkCostCentre checks a cost centre in values against the
// administration's active ones (CheckCostCentre), with the saved
// credentials.
func (p *Parts) checkCostCentre(ctx context.Context, values map[string]string, before store.Settings) error {
	creds := sync.OnceValues(p.Credentials) // one keychain read, and only when asked
	return CheckCostCentre(values, before, func() (bool, error) {
		c, err := creds()
		return err == nil && c.EBoekhoudenREST(), nil
	}, func(id int64) (bool, error) {
		c, err := creds()
		if err != nil {
			return false, err
		}
		return services.CostCentreKnown(ctx, c, p.Endpoints, id)
	})
}

// CheckCostCentre refuses a cost centre that values change to and that
// the administration does not have as an active one (known), and one that
// cannot be checked because the list cannot be read: unknown is not
// "known". None, the saved one, and a value of the wrong form (the store
// refuses it) pass; so does any on the SOAP road (onREST false), where the
// cost centres are not read and only the form is checked. The UI's fake
// Backend applies the same rule.
func CheckCostCentre(values map[string]string, before store.Settings, onREST func() (bool, error), known func(id int64) (bool, error)) error {
	v, ok := values[store.KeyCostCentre]
	if !ok {
		return nil
	}
	id, _, err := store.ParseCostCentre(v)
	if err != nil || id == 0 || id == before.CostCentreID {
		return nil
	}
	if rest, err := onREST(); err != nil || !rest {
		return nil
	}
	found, err := known(id)
	switch {
	case err != nil:
		return &store.SettingError{Key: store.KeyCostCentre, Value: v, Rule: store.RuleCostCentreUnchecked,
			Reason: "de kostenplaatsen konden niet uit e-Boekhouden worden gelezen, dus niet worden nagegaan of kostenplaats " +
				strconv.FormatInt(id, 10) + " bestaat; probeer het opnieuw"}
	case !found:
		return &store.SettingError{Key: store.KeyCostCentre, Value: v, Rule: store.RuleCostCentreUnknown,
			Reason: fmt.Sprintf("e-Boekhouden kent geen actieve kostenplaats %d; kies er een uit de lijst, of geen", id)}
	}
	return nil
}
