package store

import (
	"errors"
	"sort"
)

// CheckSettings checks values as SetSettings would, without a store: every
// value on its own, then the rules between settings over the defaults with
// values applied. It returns the refusals as *SettingError (joined), or nil
// when SetSettings would accept values on a store holding the defaults. The
// window uses it to clear a field's message as soon as its value is right.
func CheckSettings(values map[string]string) error {
	canon, errs := parseValues(values)
	errs = append(errs, checkCombination(DefaultSettings(), canon, values)...)
	return errors.Join(errs...)
}

// ApplySettings checks values against stored as SetSettings does on a store
// holding stored (every value on its own, then the rules between settings
// the change touches) and returns stored with values applied, in their
// stored form. When a value is refused it returns stored unchanged and the
// refusals as *SettingError, joined. It keeps no state: a test's in-memory
// stand-in for the store keeps its settings with it.
func ApplySettings(stored Settings, values map[string]string) (Settings, error) {
	canon, errs := parseValues(values)
	errs = append(errs, checkCombination(stored, canon, values)...)
	if len(errs) > 0 {
		return stored, errors.Join(errs...)
	}
	return applyValues(stored, canon), nil
}

// applyValues is s with the canonical values canon set.
func applyValues(s Settings, canon map[string]string) Settings {
	for k, v := range canon {
		if d, ok := lookupDef(k); ok {
			d.set(&s, v)
		}
	}
	return s
}

// parseValues checks every value on its own, in key order, and returns the
// accepted ones in their stored form and the refusals (*SettingError).
func parseValues(values map[string]string) (map[string]string, []error) {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	canon := make(map[string]string, len(values))
	var errs []error
	for _, k := range keys {
		d, ok := lookupDef(k)
		if !ok {
			errs = append(errs, unknownKey(k))
			continue
		}
		v, err := d.parse(values[k])
		if err != nil {
			errs = append(errs, &SettingError{Key: k, Value: values[k], Reason: err.Error()})
			continue
		}
		canon[k] = v
	}
	return canon, errs
}
