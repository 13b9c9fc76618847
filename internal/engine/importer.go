package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

// importAll imports what the settings ask for. Products are read once for
// both materials and hour types (and for pricing the export).
func (r *run) importAll() error {
	if r.set.ImportRelations {
		if err := r.importRelations(); err != nil {
			return err
		}
	}
	if r.set.ImportMaterials || r.set.ImportHourTypes || r.set.ExportInvoices {
		loadErr := r.loadProducts()
		if r.set.ImportMaterials || r.set.ImportHourTypes {
			if err := r.importProducts(); err != nil {
				return errors.Join(loadErr, err)
			}
		}
		return loadErr
	}
	return nil
}

// loadRelations reads the relations of the administration: all of them
// when they fit in one answer, else this run's share (sweep.go). r.rels
// holds what was read; relsOK says whether that is every relation. On an
// error r.rels still holds what was read before it.
func (r *run) loadRelations() error {
	got, err := readMaster(r, r.relationSource())
	r.rels, r.relsOK = got.read, got.complete
	if err != nil {
		return fmt.Errorf("read relations from e-Boekhouden: %w", err)
	}
	return nil
}

// importRelations sends the relations read in this run that changed. When
// the reading stopped on an error (E003.1), what was read is still sent
// before the error ends the run.
func (r *run) importRelations() error {
	loadErr := r.loadRelations()
	if err := r.sendRelations(); err != nil {
		return errors.Join(loadErr, err)
	}
	return loadErr
}

func (r *run) sendRelations() error {
	known, err := r.store.Mappings(r.ctx, store.MappingRelation)
	if err != nil {
		return err
	}
	codes := sortedKeys(r.rels)
	var send []outsmart.Relation
	var maps []store.Mapping
	for _, code := range codes {
		rel := r.rels[code]
		out, missing := relationForOutSmart(rel)
		hash := contentHash(out)
		if known[code].Hash == hash {
			continue
		}
		if code == "" {
			continue // e-Boekhouden requires a code; nothing to key on
		}
		if len(missing) > 0 {
			fields := strings.Join(missing, ", ")
			r.reportRefused(known[code], store.Mapping{Kind: store.MappingRelation, SourceKey: code,
				SourceID: strconv.FormatInt(rel.ID, 10), TargetKey: out.DebtorNumber, Hash: hash},
				store.Attention{Kind: store.AttentionRelation, Subject: code, Cause: "missing", TitleKey: "subject.relation",
					ReasonKey: "relation.refused", FixKey: "relation.refused.fix",
					Args: message.Args{"Code": code, "Name": strings.TrimSpace(rel.Company), "Missing": fields}})
			continue
		}
		send = append(send, out)
		maps = append(maps, store.Mapping{Kind: store.MappingRelation, SourceKey: code,
			SourceID: strconv.FormatInt(rel.ID, 10), TargetKey: out.DebtorNumber, Hash: hash, Active: true})
	}
	n, err := upsertInBatches(r, "relatie", send, maps, func(o outsmart.Relation) string { return o.DebtorNumber },
		r.field.UpsertRelations)
	r.sum.Relations += n
	return err
}

// loadProducts reads the products like loadRelations. r.prods holds every
// product known (those not read this run as last read, from the store), so
// that invoices are priced from them; prodsOK says whether that is every
// product.
func (r *run) loadProducts() error {
	got, err := readMaster(r, r.productSource())
	r.prods, r.prodsOK = got.known, got.complete
	if r.prods == nil {
		r.prods = got.read
	}
	if err != nil {
		return fmt.Errorf("read products from e-Boekhouden: %w", err)
	}
	return nil
}

// importProducts sends changed products: an hour unit makes an hour type,
// anything else a material. Inactive hour types are sent as inactive; an
// inactive material that OutSmart never had is not sent, and one it has is
// left in place with a log line (OutSmart materials have no active flag).
func (r *run) importProducts() error {
	knownMat, err := r.store.Mappings(r.ctx, store.MappingMaterial)
	if err != nil {
		return err
	}
	knownHT, err := r.store.Mappings(r.ctx, store.MappingHourType)
	if err != nil {
		return err
	}
	var mats []outsmart.Material
	var matMaps []store.Mapping
	var hts []outsmart.HourType
	var htMaps []store.Mapping
	for _, code := range sortedKeys(r.prods) {
		p := r.prods[code]
		if code == "" {
			continue
		}
		id := strconv.FormatInt(p.ID, 10)
		if IsHourUnit(p.Unit) {
			if !r.set.ImportHourTypes {
				continue
			}
			ht := hourTypeForOutSmart(p)
			hash := contentHash(ht)
			prev, had := knownHT[code]
			if prev.Hash == hash || (!had && !p.Active) {
				continue
			}
			if problem := hourTypeProblem(ht); problem != "" {
				r.reportRefused(prev, store.Mapping{Kind: store.MappingHourType, SourceKey: code, SourceID: id, TargetKey: code, Hash: hash},
					store.Attention{Kind: store.AttentionHourType, Subject: code, Cause: problem, TitleKey: "subject.hourtype",
						ReasonKey: "hourtype.refused", FixKey: "product.refused.fix",
						Args: message.Args{"Code": code, "Name": strings.TrimSpace(p.Description), "Problem": "@" + problem}})
				continue
			}
			hts = append(hts, ht)
			htMaps = append(htMaps, store.Mapping{Kind: store.MappingHourType, SourceKey: code, SourceID: id, TargetKey: code, Hash: hash, Active: p.Active})
			continue
		}
		if !r.set.ImportMaterials {
			continue
		}
		m := materialForOutSmart(p)
		hash := contentHash(m)
		prev, had := knownMat[code]
		if !p.Active {
			if had && prev.Active {
				r.log(store.LevelInfo, "materiaal "+code, message.T("material.inactive", "Code", code, "Name", strings.TrimSpace(p.Description)), "")
				prev.Active = false
				_ = r.store.SaveMappings(r.ctx, []store.Mapping{prev})
			}
			continue
		}
		if prev.Hash == hash && prev.Active {
			continue
		}
		if missing := materialMissing(m); missing != "" {
			r.reportRefused(prev, store.Mapping{Kind: store.MappingMaterial, SourceKey: code, SourceID: id, TargetKey: code, Hash: hash},
				store.Attention{Kind: store.AttentionMaterial, Subject: code, Cause: "missing:" + missing, TitleKey: "subject.material",
					ReasonKey: "material.refused", FixKey: "product.refused.fix",
					Args: message.Args{"Code": code, "Name": strings.TrimSpace(p.Description), "Problem": "@problem.material.missing", "Missing": missing}})
			continue
		}
		mats = append(mats, m)
		matMaps = append(matMaps, store.Mapping{Kind: store.MappingMaterial, SourceKey: code, SourceID: id, TargetKey: code, Hash: hash, Active: true})
	}
	n, err := upsertInBatches(r, "materiaal", mats, matMaps, func(m outsmart.Material) string { return m.Code }, r.field.UpsertMaterials)
	r.sum.Materials += n
	if err != nil {
		return err
	}
	n, err = upsertInBatches(r, "uursoort", hts, htMaps, func(h outsmart.HourType) string { return h.Code }, r.field.UpsertHourTypes)
	r.sum.HourTypes += n
	return err
}

// reportRefused logs a record OutSmart cannot take as needing attention and
// puts it on the attention list, once per version of the record: the
// refused version's hash is remembered (with a "refused:" prefix, so the
// record is sent once it is fixed). A record refused before the attention
// list existed is put on it without a new log line.
func (r *run) reportRefused(prev, m store.Mapping, a store.Attention) {
	m.Hash = store.RefusedHashPrefix + m.Hash
	subject := subjectOf(a)
	if prev.Hash == m.Hash {
		if !r.listed(a.Kind, a.Subject) {
			if err := r.store.SetAttention(r.ctx, a); err != nil {
				r.p.Logger.Error("remember refused record", "subject", subject, "err", err)
			}
		}
		return
	}
	r.attend(a, subject, message.Text{Key: "attention.line", Args: withArg(withArg(a.Args, "Reason", "@"+a.ReasonKey), "Fix", "@"+a.FixKey)})
	if err := r.store.SaveMappings(r.ctx, []store.Mapping{m}); err != nil {
		r.p.Logger.Error("remember refused record", "subject", subject, "err", err)
	}
}

// materialMissing lists the fields OutSmart requires of a material that it
// lacks (Blueprint: code, description, price, unit), in Dutch; "" when none.
func materialMissing(m outsmart.Material) string {
	var missing []string
	if m.Description == "" {
		missing = append(missing, "omschrijving")
	}
	if m.Unit == "" {
		missing = append(missing, "eenheid")
	}
	return strings.Join(missing, ", ")
}

// hourTypeProblem checks what OutSmart requires of an hour type (Blueprint:
// code, name, sale_price > 0): the message key of the problem, or "".
func hourTypeProblem(h outsmart.HourType) string {
	if h.Name == "" {
		return "problem.hourtype.noname"
	}
	if h.SalePrice.Sign() <= 0 {
		return "problem.hourtype.price"
	}
	return ""
}

// listed reports whether the attention list has an item (skipped or not),
// from one read per run.
func (r *run) listed(kind store.AttentionKind, subject string) bool {
	if r.attention == nil {
		r.attention = map[string]bool{}
		all, err := r.store.AllAttention(r.ctx)
		if err != nil {
			return true // unknown: leave the list as it is
		}
		for _, a := range all {
			r.attention[subjectOf(a)] = true
		}
	}
	return r.attention[subjectOf(store.Attention{Kind: kind, Subject: subject})]
}

// upsertInBatches posts records in batches and saves the mappings of each
// batch OutSmart accepted. A batch refused for its content is split until
// the refused record is found: that record is logged as needing attention
// and the others still go through. It returns how many records were synced.
func upsertInBatches[T any](r *run, kind string, recs []T, maps []store.Mapping, key func(T) string,
	upsert func(context.Context, []T) (int, error)) (int, error) {
	if len(recs) == 0 {
		return 0, nil
	}
	if r.opts.DryRun {
		for _, rec := range recs {
			r.plan(message.T("plan.send", "Kind", kindWord(kind), "Code", key(rec)))
		}
		return 0, nil
	}
	synced := 0
	var send func(recs []T, maps []store.Mapping) error
	send = func(recs []T, maps []store.Mapping) error {
		_, err := upsert(r.ctx, recs)
		if err == nil {
			r.checkpoint("import.sent")
			if err := r.store.SaveMappings(r.ctx, maps); err != nil {
				return err
			}
			synced += len(recs)
			return nil
		}
		var apiErr *outsmart.APIError
		if !errors.As(err, &apiErr) || errors.Is(err, outsmart.ErrUnauthorized) || errors.Is(err, outsmart.ErrTransient) {
			return fmt.Errorf("send %s records to OutSmart: %w", kind, err)
		}
		// A definite refusal of the content: find the record(s) responsible.
		if len(recs) == 1 {
			r.log(store.LevelAttention, kind+" "+key(recs[0]), message.T("outsmart.refused", "Kind", kindWord(kind), "Code", key(recs[0]),
				"Reason", strings.Join(apiErr.Messages, "; ")), "")
			return nil
		}
		half := len(recs) / 2
		if err := send(recs[:half], maps[:half]); err != nil {
			return err
		}
		return send(recs[half:], maps[half:])
	}
	for start := 0; start < len(recs); start += r.p.BatchSize {
		end := min(start+r.p.BatchSize, len(recs))
		if err := send(recs[start:end], maps[start:end]); err != nil {
			return synced, err
		}
	}
	return synced, nil
}

// kindWord is the message argument that names a kind of record
// ("relatie", "materiaal", "uursoort") in the reader's language.
func kindWord(kind string) string {
	switch kind {
	case "relatie":
		return "@word.relation"
	case "materiaal":
		return "@word.material"
	case "uursoort":
		return "@word.hourtype"
	}
	return kind
}

// sortedKeys are m's keys in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
