/* app: the app-connector entries of a policy, and which of them configure a node (C1, C2).
 *
 * sim/ reads the policy file into app_t values (their text fields are validated there, with
 * file:line:col); this module holds the rules that decide what is legal and what a node gets. */
#ifndef APPCSIM_APP_H
#define APPCSIM_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "dname.h"
#include "errinfo.h"
#include "pfx.h"

typedef struct {
    const char *name;
    const char *const *connectors; /* tag selectors, "tag:x" */
    size_t n_connectors;
    const dn_domain_t *domains;
    size_t n_domains;
    const pfx_t *routes;
    size_t n_routes;
} app_t;

/* C1: "*" is not a valid connector selector. False with err naming it. */
bool app_check_connector(const char *selector, errinfo_t *err);
/* C2: a control route may not be 0.0.0.0/0, ::/0, nor equal to or inside an L4 range. */
bool app_check_route(const pfx_t *route, errinfo_t *err);

/* C1: true when a node with these tags and advertise_connector flag is a connector for app. */
bool app_serves(const app_t *app, const char *const *tags, size_t n_tags, bool advertise_connector);

#endif
