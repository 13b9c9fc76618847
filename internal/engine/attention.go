package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/store"
)

// Attention lists everything that needs the user: parked work orders
// (oldest first), then records, settings and logins.
func (e *Engine) Attention(ctx context.Context) ([]report.AttentionItem, error) {
	parked, err := e.p.Store.Exports(ctx, store.ExportParked)
	if err != nil {
		return nil, err
	}
	var items []report.AttentionItem
	for _, x := range parked {
		items = append(items, report.WorkOrderItem(x))
	}
	rest, err := e.p.Store.AttentionItems(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range rest {
		items = append(items, report.StoredItem(a))
	}
	return items, nil
}

// RetryAttention asks for an item to be tried again on the next run: a
// parked work order as RetryExport; a record is sent again (and reported
// again if it still cannot go); a setting or login is checked again.
func (e *Engine) RetryAttention(ctx context.Context, kind report.AttentionKind, id string) error {
	if kind == report.AttentionWorkOrder {
		return e.RetryExport(ctx, id)
	}
	a, err := e.p.Store.AttentionItem(ctx, store.AttentionKind(kind), id)
	if err != nil {
		return err
	}
	switch kind {
	case report.AttentionRelation, report.AttentionMaterial, report.AttentionHourType:
		// Forget the refused version, so the next run judges the record anew.
		maps, err := e.p.Store.Mappings(ctx, store.MappingKind(kind))
		if err != nil {
			return err
		}
		if m, ok := maps[id]; ok && strings.HasPrefix(m.Hash, store.RefusedHashPrefix) {
			m.Hash = ""
			if err := e.p.Store.SaveMappings(ctx, []store.Mapping{m}); err != nil {
				return err
			}
		}
	}
	if err := e.p.Store.ClearAttention(ctx, a.Kind, id); err != nil {
		return err
	}
	_, err = e.p.Store.AddLog(ctx, logEntry(e.p.Now(), store.LevelInfo, subjectOf(a),
		message.Text{Key: "record.retry", Args: withArg(a.Args, "Subject", "@"+a.TitleKey)}))
	return err
}

// SkipAttention marks an item as not needing the user: a parked work order
// is not exported (SkipExport); a record is reported again only when its
// data change.
func (e *Engine) SkipAttention(ctx context.Context, kind report.AttentionKind, id string) error {
	if kind == report.AttentionWorkOrder {
		return e.SkipExport(ctx, id)
	}
	if kind != report.AttentionRelation && kind != report.AttentionMaterial && kind != report.AttentionHourType {
		return fmt.Errorf("%s %s cannot be skipped: it stops every run until it is fixed", kind, id)
	}
	a, err := e.p.Store.AttentionItem(ctx, store.AttentionKind(kind), id)
	if err != nil {
		return err
	}
	if err := e.p.Store.SkipAttention(ctx, a.Kind, id); err != nil {
		return err
	}
	_, err = e.p.Store.AddLog(ctx, logEntry(e.p.Now(), store.LevelInfo, subjectOf(a),
		message.Text{Key: "record.skipped", Args: withArg(a.Args, "Subject", "@"+a.TitleKey)}))
	return err
}

// RetryCause retries every item of one cause (report.AttentionItem.Cause) and
// returns how many it asked for again.
func (e *Engine) RetryCause(ctx context.Context, cause string) (int, error) {
	items, err := e.Attention(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, it := range items {
		if it.Cause != cause || !it.CanRetry || it.NeedsConfirmation {
			continue // a confirmation is asked one work order at a time
		}
		if err := e.RetryAttention(ctx, it.Kind, it.ID); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// CountOpen counts the attention list by kind.
func (e *Engine) CountOpen(ctx context.Context) (report.OpenCounts, error) {
	items, err := e.Attention(ctx)
	if err != nil {
		return report.OpenCounts{}, err
	}
	var o report.OpenCounts
	for _, it := range items {
		switch it.Kind {
		case report.AttentionWorkOrder:
			o.WorkOrders++
		case report.AttentionRelation:
			o.Relations++
		case report.AttentionMaterial:
			o.Materials++
		case report.AttentionHourType:
			o.HourTypes++
		case report.AttentionSettings:
			o.Settings++
		case report.AttentionLogin:
			o.Login++
		}
	}
	return o, nil
}

func withArg(a message.Args, k, v string) message.Args {
	out := message.Args{k: v}
	for n, x := range a {
		if n != k {
			out[n] = x
		}
	}
	return out
}

func subjectOf(a store.Attention) string { return string(a.Kind) + " " + a.Subject }

// logEntry is a log line outside a run.
func logEntry(t time.Time, level store.Level, subject string, m message.Text) store.LogEntry {
	return store.LogEntry{Time: t, Level: level, Subject: subject, Key: m.Key, Args: m.Args, Message: m.Render(message.Dutch)}
}

// countOpen fills Open at the end of a run from the attention list (a dry
// run changes nothing, so the list is what it was plus nothing).
func (r *run) countOpen() {
	o, err := r.e.CountOpen(context.WithoutCancel(r.ctx))
	if err != nil {
		r.p.Logger.Error("count attention", "err", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	o.OtherNew = max(r.sum.Attention-r.tracked, 0)
	r.sum.Open = o
}

// attend records an item of the attention list (a dry run's store keeps
// it to itself) and logs it.
func (r *run) attend(a store.Attention, subject string, line message.Text) {
	r.mu.Lock()
	r.tracked++
	r.mu.Unlock()
	r.log(store.LevelAttention, subject, line, "")
	if err := r.store.SetAttention(context.WithoutCancel(r.ctx), a); err != nil {
		r.p.Logger.Error("remember attention", "subject", subject, "err", err)
	}
}

// settled removes an item whose check passed this run.
func (r *run) settled(kind store.AttentionKind, subject string) {
	if err := r.store.ClearAttention(context.WithoutCancel(r.ctx), kind, subject); err != nil {
		r.p.Logger.Error("clear attention", "subject", subject, "err", err)
	}
}

// credentialsSubject is the subject of the login item for credentials that
// are missing or cannot be read (a refused login has the service's name).
const credentialsSubject = "credentials"

// NoteNoCredentials puts a run refused for want of credentials on the
// attention list: reason says why (missing, or the keychain's cause), the
// fix sends the user to Inloggen. The next run that starts with credentials
// takes it off (Run).
func (e *Engine) NoteNoCredentials(ctx context.Context, reason message.Text) error {
	return e.p.Store.SetAttention(ctx, store.Attention{Kind: store.AttentionLogin, Subject: credentialsSubject,
		Cause: credentialsSubject, TitleKey: "subject.login", ReasonKey: reason.Key, FixKey: "login.missing.fix",
		Args: reason.Args})
}

// noteLogin puts a refused login on the attention list, and takes it off
// once a run got past the service.
func (r *run) noteLogin() {
	err := r.sum.Err
	for _, svc := range []struct {
		name    string
		refused error
		cause   string
		fix     string
	}{
		{"eboekhouden", eboekhouden.ErrBadCredentials, "@cause.eboekhouden.credentials", "login.refused.fix"},
		{"outsmart", outsmart.ErrUnauthorized, "@cause.outsmart.credentials", "login.refused.fix"},
	} {
		if svc.name == "eboekhouden" && errors.Is(err, eboekhouden.ErrTokenExpired) {
			// The REST road's API token expired: only a new token helps.
			svc.cause, svc.fix = "@cause.eboekhouden.tokenexpired", "login.tokenexpired.fix"
		}
		switch {
		case errors.Is(err, svc.refused):
			r.attend(store.Attention{Kind: store.AttentionLogin, Subject: svc.name, Cause: svc.name, TitleKey: "subject.login",
				ReasonKey: "login.refused", FixKey: svc.fix, Args: message.Args{"Cause": svc.cause}},
				"inloggen", message.T("login.refused", "Cause", svc.cause))
		case err == nil:
			r.settled(store.AttentionLogin, svc.name)
		}
	}
}
