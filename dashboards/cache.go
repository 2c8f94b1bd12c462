package dashboards

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/padis/padis/models"
	"github.com/padis/padis/projections"
)

// cachedSource memoises a Source's reads, so that a page viewed by many
// users costs one set of cube queries. A value older than ttl is still
// returned while one background refresh replaces it (stale while
// revalidate): readers never wait for a refresh, and an expiry does not
// send every concurrent reader to the cube at once. A missing value is
// computed once however many readers ask for it together. Acknowledging an
// alert clears the cache (alerts are the only data the server changes).
// The cache holds at most max entries; when full it is emptied.
type cachedSource struct {
	Source
	ttl time.Duration
	max int
	now func() time.Time

	mu sync.RWMutex
	m  map[string]*cacheEntry
}

type cacheEntry struct {
	ready      chan struct{} // closed when v and err are set
	v          any
	err        error
	exp        time.Time
	refreshing bool
}

func newCachedSource(src Source, ttl time.Duration, max int, now func() time.Time) *cachedSource {
	return &cachedSource{Source: src, ttl: ttl, max: max, now: now, m: map[string]*cacheEntry{}}
}

// refreshTimeout bounds a background refresh.
const refreshTimeout = time.Minute

// get returns the cached value of key, computing it with f when missing.
// f receives the context to use: the request's for a first computation, a
// detached one for a background refresh. Errors other than cancellation
// are cached like values (a missing unit stays missing until refreshed).
func get[T any](c *cachedSource, ctx context.Context, key string, f func(context.Context) (T, error)) (T, error) {
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if !ok {
		c.mu.Lock()
		if e, ok = c.m[key]; !ok {
			if len(c.m) >= c.max {
				c.m = map[string]*cacheEntry{}
			}
			e = &cacheEntry{ready: make(chan struct{})}
			c.m[key] = e
		}
		c.mu.Unlock()
		if !ok {
			v, err := f(ctx)
			if err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
				c.mu.Lock()
				delete(c.m, key)
				c.mu.Unlock()
				e.v, e.err = v, err
				close(e.ready)
				return v, err
			}
			e.v, e.err, e.exp = v, err, c.now().Add(c.ttl)
			close(e.ready)
			return v, err
		}
	}
	select {
	case <-e.ready:
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
	c.mu.Lock()
	stale := c.now().After(e.exp) && !e.refreshing
	if stale {
		e.refreshing = true
	}
	v, err := e.v, e.err
	c.mu.Unlock()
	if stale {
		go func() {
			rctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
			defer cancel()
			nv, nerr := f(rctx)
			c.mu.Lock()
			defer c.mu.Unlock()
			e.refreshing = false
			if nerr != nil && (errors.Is(nerr, context.Canceled) || errors.Is(nerr, context.DeadlineExceeded)) {
				return
			}
			e.v, e.err, e.exp = nv, nerr, c.now().Add(c.ttl)
		}()
	}
	tv, _ := v.(T)
	return tv, err
}

func (c *cachedSource) clear() {
	c.mu.Lock()
	c.m = map[string]*cacheEntry{}
	c.mu.Unlock()
}

func (c *cachedSource) Divisions() *models.DivisionTree { return c.Source.Divisions() }

func (c *cachedSource) LatestPeriod(ctx context.Context) (Period, error) {
	return get(c, ctx, "latest", func(ctx context.Context) (Period, error) { return c.Source.LatestPeriod(ctx) })
}

// maxCachedUnits bounds the reads worth keeping: a whole-province village
// table (tens of thousands of units) is rare and would crowd out the rest.
const maxCachedUnits = 2000

func (c *cachedSource) Values(ctx context.Context, ind string, units []string, p Period) ([]Value, error) {
	if len(units) > maxCachedUnits {
		return c.Source.Values(ctx, ind, units, p)
	}
	key := fmt.Sprintf("values|%s|%s|%s", ind, p, strings.Join(units, ","))
	return get(c, ctx, key, func(ctx context.Context) ([]Value, error) { return c.Source.Values(ctx, ind, units, p) })
}

func (c *cachedSource) Series(ctx context.Context, ind, unit string, from, to Period) ([]Value, error) {
	key := fmt.Sprintf("series|%s|%s|%s|%s", ind, unit, from, to)
	return get(c, ctx, key, func(ctx context.Context) ([]Value, error) { return c.Source.Series(ctx, ind, unit, from, to) })
}

func (c *cachedSource) Pyramid(ctx context.Context, unit string, p Period) (Pyramid, error) {
	return get(c, ctx, "pyramid|"+unit+"|"+string(p), func(ctx context.Context) (Pyramid, error) { return c.Source.Pyramid(ctx, unit, p) })
}

type panelResult struct {
	counties []Value
	national Value
}

func (c *cachedSource) Panel(ctx context.Context, ind string, p Period) ([]Value, Value, error) {
	r, err := get(c, ctx, "panel|"+ind+"|"+string(p), func(ctx context.Context) (panelResult, error) {
		cs, n, err := c.Source.Panel(ctx, ind, p)
		return panelResult{cs, n}, err
	})
	return r.counties, r.national, err
}

func (c *cachedSource) Alerts(ctx context.Context, f AlertFilter) ([]Alert, error) {
	key := fmt.Sprintf("alerts|%s|%s|%s", strings.Join(f.Units, ","), f.Level, f.Status)
	return get(c, ctx, key, func(ctx context.Context) ([]Alert, error) { return c.Source.Alerts(ctx, f) })
}

func (c *cachedSource) AcknowledgeAlert(ctx context.Context, id, user, note string, at time.Time) (Alert, error) {
	defer c.clear()
	return c.Source.AcknowledgeAlert(ctx, id, user, note, at)
}

func (c *cachedSource) Quality(ctx context.Context, units []string, p Period) ([]Quality, error) {
	key := "quality|" + string(p) + "|" + strings.Join(units, ",")
	return get(c, ctx, key, func(ctx context.Context) ([]Quality, error) { return c.Source.Quality(ctx, units, p) })
}

func (c *cachedSource) ProjectionInput(ctx context.Context, unit string) (*projections.Input, error) {
	return get(c, ctx, "projin|"+unit, func(ctx context.Context) (*projections.Input, error) { return c.Source.ProjectionInput(ctx, unit) })
}

func (c *cachedSource) SetWorkItemStatus(ctx context.Context, id, status, user, note string, at time.Time) (WorkItem, error) {
	defer c.clear() // worklist sizes change
	return c.Source.SetWorkItemStatus(ctx, id, status, user, note, at)
}
