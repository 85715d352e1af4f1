/* conn_debug: a look inside conn for tests only; not part of the contract (conn.h).
 *
 * conn_debug_work counts the elements conn's learned-state tables have visited in bulk passes
 * (sweeps, rebuilds, scans of a whole table) and in deletions (probe steps, shifted entries),
 * but not in lookups and inserts. A test reads it before and after an operation to check that
 * the operation's cost grows with what it changes, not with everything learned, without timing
 * anything. The count starts again when the learned state is replaced (a restart with
 * store_routes off, an import). */
#ifndef APPCSIM_CONN_DEBUG_H
#define APPCSIM_CONN_DEBUG_H

#include <stdint.h>

#include "conn.h"

uint64_t conn_debug_work(const conn_t *c);

#endif
