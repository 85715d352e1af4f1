/* scenario_dns: the "dns" section: zones (D1, D3) and scripted answers (D5). Shapes, names, views,
 * file existence and the syntax of every inline record (S4) are checked here, each error at its
 * record; the rules between records (D1) are the DNS module's, when the world is built. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dns_db.h"
#include "hex.h"
#include "scenario_internal.h"

void scenario_zone_clear(scenario_zone_t *z)
{
    free(z->origin);
    free(z->file);
    ld_free_strings(z->records, z->n_records);
    free(z->record_pos);
    memset(z, 0, sizeof *z);
}

void scenario_script_clear(scenario_script_t *sc)
{
    free(sc->name);
    ld_free_strings(sc->records, sc->n_records);
    free(sc->wire);
    free(sc->wire_hex);
    memset(sc, 0, sizeof *sc);
}

size_t ld_pair_key(const char *text, uint64_t x, char key[LD_PAIR_KEY_MAX])
{
    size_t n = strlen(text);
    if (n + 9 > LD_PAIR_KEY_MAX)
        n = LD_PAIR_KEY_MAX - 9;
    memcpy(key, text, n);
    key[n] = '\0';
    for (int i = 0; i < 8; i++)
        key[n + 1 + i] = (char)(x >> (56 - 8 * i));
    return n + 9;
}

bool ld_rr_line(ld_t *ld, const jv_t *at, const char *text, const char *origin)
{
    errinfo_t why;
    if (dns_db_rr_check(text, origin, &why) == 0)
        return true;
    ld_err(ld, at, "'%s' is not a valid record: %s", text, why.msg);
    return false;
}

/* ---- zones ---- */

/* Records where each inline record was written, and checks its syntax. */
static void load_zone_records(ld_t *ld, scenario_zone_t *z, const jv_t *records, bool origin_ok)
{
    if (!ld_str_list(ld, records, SCENARIO_MAX_RECORD, false, NULL, &z->records,
                     &z->n_records) ||
        z->n_records == 0 ||
        (z->record_pos = ld_calloc(ld, z->n_records, sizeof *z->record_pos)) == NULL)
        return;
    jv_iter_t it;
    jv_t el;
    jv_iter_init(&it, records);
    for (size_t k = 0; k < z->n_records && jv_iter_next(&it, &el); k++) {
        ld_line_col(&el, false, &z->record_pos[k].line, &z->record_pos[k].col);
        if (origin_ok)
            ld_rr_line(ld, &el, z->records[k], z->origin);
    }
}

enum { Z_ORIGIN, Z_FILE, Z_RECORDS, Z_VIEW, Z_COUNT };
static const char *const zone_keys[Z_COUNT] = {"origin", "file", "records", "view"};

static void load_zone_file(ld_t *ld, scenario_zone_t *z, const jv_t *v)
{
    const char *rel;
    if (!ld_str_view(ld, v, SCENARIO_MAX_STRING, false, &rel))
        return;
    char *path = ld_resolve_path(ld, rel);
    if (path == NULL)
        return;
    struct stat st;
    if (stat(path, &st) != 0)
        ld_err(ld, v, "zone file '%s' cannot be read: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        ld_err(ld, v, "zone file '%s' is not a regular file", path);
    else {
        z->file = path;
        return;
    }
    free(path);
}

static void load_zone(ld_t *ld, scenario_zone_t *z, size_t index, const jv_t *v)
{
    jv_t f[Z_COUNT];
    z->view = SCENARIO_NONE;
    ld_line_col(v, false, &z->line, &z->col);
    if (!ld_object(ld, v, zone_keys, Z_COUNT, f, 0, NULL, NULL))
        return;
    bool origin_ok = ld_required(ld, v, &f[Z_ORIGIN], "origin") &&
                     ld_dns_name(ld, &f[Z_ORIGIN], false, true, &z->origin);
    bool view_ok = f[Z_VIEW].j == NULL || ld_region_ref(ld, &f[Z_VIEW], &z->view);
    if (f[Z_FILE].j != NULL)
        load_zone_file(ld, z, &f[Z_FILE]);
    if (f[Z_RECORDS].j != NULL)
        load_zone_records(ld, z, &f[Z_RECORDS], origin_ok);
    if (f[Z_FILE].j == NULL && f[Z_RECORDS].j == NULL)
        ld_err(ld, v, "a zone needs \"file\" (a master file) or \"records\" (RR lines)");
    if (origin_ok && view_ok) {
        char key[LD_PAIR_KEY_MAX];
        size_t n = ld_pair_key(z->origin, z->view, key);
        bool added = false;
        uint64_t *slot = strmap_insert(ld->zone_keys, key, n, &added);
        if (slot == NULL)
            ld_oom(ld);
        else if (!added)
            ld_err(ld, &f[Z_ORIGIN], "zones[%llu] already has origin '%s' and the %s view",
                   (unsigned long long)*slot, json_string_value(f[Z_ORIGIN].j),
                   z->view == SCENARIO_NONE ? "default" : ld->s->regions[z->view]);
        else
            *slot = index;
    }
}

/* ---- scripts ---- */

enum { SC_NAME, SC_TYPE, SC_RECORDS, SC_RCODE, SC_WIRE, SC_COUNT };
static const char *const script_keys[SC_COUNT] = {"name", "type", "records", "rcode", "wire"};

static void load_wire(ld_t *ld, scenario_script_t *sc, const jv_t *v)
{
    const char *hex;
    if (!ld_str_view(ld, v, 4 * SCENARIO_MAX_RECORD, true, &hex))
        return;
    uint8_t *wire;
    size_t n;
    errinfo_t why;
    if (hex_decode(hex, SCENARIO_MAX_RECORD, &wire, &n, &why) != 0) {
        ld_err(ld, v, "%s", why.msg);
        return;
    }
    if (wire == NULL && (wire = ld_calloc(ld, 1, 1)) == NULL)
        return; /* scenario.h promises a buffer even for no bytes */
    sc->wire = wire;
    sc->wire_len = n; /* 0 is allowed: an empty response is malformed input worth testing */
    sc->wire_hex = ld_strdup(ld, hex);
}

/* Scripted records are parsed without an origin (dns_db_script): names are absolute. */
static bool check_script_record(ld_t *ld, const jv_t *v, const char *text)
{
    return ld_rr_line(ld, v, text, NULL);
}

static void load_script(ld_t *ld, scenario_script_t *sc, const jv_t *v, strmap_t *seen)
{
    jv_t f[SC_COUNT];
    ld_line_col(v, false, &sc->line, &sc->col);
    if (!ld_object(ld, v, script_keys, SC_COUNT, f, 0, NULL, NULL))
        return;
    bool name_ok = ld_required(ld, v, &f[SC_NAME], "name") &&
                   ld_dns_name(ld, &f[SC_NAME], false, false, &sc->name);
    bool type_ok = f[SC_TYPE].j == NULL || ld_rr_type(ld, &f[SC_TYPE], &sc->type);
    bool records = f[SC_RECORDS].j != NULL, rcode = f[SC_RCODE].j != NULL,
         wire = f[SC_WIRE].j != NULL;
    if (wire && (records || rcode))
        ld_err_key(ld, &f[SC_WIRE], "\"wire\" is a whole response: it goes without \"records\" "
                                    "and \"rcode\"");
    else if (!wire && !records && !rcode)
        ld_err(ld, v, "a script needs \"records\", \"rcode\" or \"wire\" (D5)");
    sc->kind = wire ? SCENARIO_SCRIPT_WIRE : records ? SCENARIO_SCRIPT_RECORDS
                                                     : SCENARIO_SCRIPT_RCODE;
    if (records)
        ld_str_list(ld, &f[SC_RECORDS], SCENARIO_MAX_RECORD, false, check_script_record,
                    &sc->records, &sc->n_records);
    if (rcode)
        ld_rcode(ld, &f[SC_RCODE], &sc->rcode);
    if (wire)
        load_wire(ld, sc, &f[SC_WIRE]);
    if (name_ok && type_ok) {
        char key[LD_PAIR_KEY_MAX];
        size_t n = ld_pair_key(sc->name, sc->type, key);
        bool added = false;
        if (strmap_insert(seen, key, n, &added) == NULL)
            ld_oom(ld);
        else if (!added)
            ld_err(ld, &f[SC_NAME], "a second script for '%s' with the same type", sc->name);
    }
}

/* ---- the section ---- */

enum { D_ZONES, D_SCRIPTS, D_COUNT };
static const char *const dns_keys[D_COUNT] = {"zones", "scripts"};

void ld_dns(ld_t *ld, const jv_t *dns)
{
    scenario_t *s = ld->s;
    jv_t f[D_COUNT];
    if (!ld_object(ld, dns, dns_keys, D_COUNT, f, 0, NULL, NULL))
        return;
    size_t n;
    jv_iter_t it;
    jv_t el;
    if (f[D_ZONES].j != NULL && ld_array(ld, &f[D_ZONES], 0, &n) &&
        (s->zones = ld_calloc(ld, n, sizeof *s->zones)) != NULL) {
        s->n_zones = n;
        jv_iter_init(&it, &f[D_ZONES]);
        for (size_t i = 0; jv_iter_next(&it, &el) && !ld->oom; i++)
            load_zone(ld, &s->zones[i], i, &el);
    }
    strmap_t *seen = strmap_new();
    if (seen == NULL) {
        ld_oom(ld);
        return;
    }
    if (f[D_SCRIPTS].j != NULL && ld_array(ld, &f[D_SCRIPTS], 0, &n) &&
        (s->scripts = ld_calloc(ld, n, sizeof *s->scripts)) != NULL) {
        s->n_scripts = n;
        jv_iter_init(&it, &f[D_SCRIPTS]);
        for (size_t i = 0; jv_iter_next(&it, &el) && !ld->oom; i++)
            load_script(ld, &s->scripts[i], &el, seen);
    }
    strmap_free(seen);
}
