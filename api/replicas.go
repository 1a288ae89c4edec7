package api

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"firstask/metrics"
	"firstask/models"
)

// watchReplicas reports the read replicas' routing to the metrics and
// their changes of state to the log: a replica that becomes unavailable is
// a warning (its reads go to the primary meanwhile).
func watchReplicas(store *models.Store, m *metrics.Metrics, log *slog.Logger) {
	if store.Replicas() == nil {
		return
	}
	m.WatchReplicas(func() []metrics.ReplicaState {
		var out []metrics.ReplicaState
		for _, st := range store.Replicas() {
			out = append(out, metrics.ReplicaState{Available: st.Available, Lag: st.Lag})
		}
		return out
	})
	store.ObserveReplicas(models.ReplicaObserver{
		Read: m.ReplicaRead,
		Changed: func(st models.ReplicaStatus) {
			attrs := []any{slog.String("replica", st.Name), slog.Duration("lag", st.Lag)}
			if st.Available {
				log.Info("read replica available", attrs...)
				return
			}
			attrs = append(attrs, slog.String("reason", st.Reason))
			if st.Err != "" {
				attrs = append(attrs, slog.String("error", st.Err))
			}
			log.Warn("read replica unavailable: its reads go to the primary", attrs...)
		},
	})
}

// replicaHealth is what /readyz says of the read replicas: for each, in
// the order of FIRSTASK_DB_READ, whether reads go to it and if not why
// (never its address, which /readyz's anonymous callers need not know);
// nil without read replicas.
func replicaHealth(store *models.Store) []gin.H {
	states := store.Replicas()
	if states == nil {
		return nil
	}
	out := make([]gin.H, len(states))
	for i, st := range states {
		h := gin.H{"available": st.Available}
		if !st.Available {
			h["reason"] = st.Reason
		}
		out[i] = h
	}
	return out
}
