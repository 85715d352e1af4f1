/* `appcsim run | check | explain`: scenario files in, results out (see the usage texts).
 *
 * Parallel runs (--jobs N) fork one worker process per scenario, at most N at a time. A worker
 * loads, filters and runs its scenario and writes its result (report_json_result, the trace
 * included when --trace asks for it) to a pipe as one JSON document; the parent reads every
 * pipe with poll() and keeps results in path order. Output is printed, and files written, from
 * those results in path order only, so --jobs 1 and --jobs N give the same bytes. Wall-clock
 * time shows only on a terminal (progress line and total), never in a file. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "fsutil.h"
#include "explain.h"
#include "report.h"
#include "runner.h"

#define MAX_JOBS 256

static const char run_usage[] =
    "usage: appcsim run [OPTIONS] PATH...\n"
    "\n"
    "Runs scenario files and checks their expectations. A PATH is a scenario file or a folder,\n"
    "searched recursively for *.json files (run in sorted path order); folders named `invalid`\n"
    "are skipped when searching (their files are meant to fail loading).\n"
    "\n"
    "options:\n"
    "  --filter PATTERN  run only scenarios whose name or path contains PATTERN or matches it\n"
    "                    as a shell glob (fnmatch)\n"
    "  --seed N          use seed N for every scenario instead of its own\n"
    "  --jobs N          run N scenarios at once in worker processes (default 1); output and\n"
    "                    files are the same as with --jobs 1\n"
    "  --trace FILE      write the trace of every run to FILE as JSON Lines: before each\n"
    "                    scenario's records one header record\n"
    "                    {\"scenario\":NAME,\"file\":PATH,\"seed\":\"N\",\"fingerprint\":HEX}\n"
    "                    (the fingerprint covers the records after the header)\n"
    "  --report-dir DIR  write junit.xml, results.json and the HTML report (index.html and a\n"
    "                    page per scenario in scenarios/) into DIR (default reports/; created)\n"
    "  --quiet           print only failures and the totals\n"
    "  --verbose         also print fingerprints, passing expectations and warnings\n"
    "  --help            this text\n"
    "\n"
    "Exit status: 0 every expectation passed; 1 an expectation failed or a run stopped early;\n"
    "2 bad usage, a missing path, a file that does not load (its diagnostics are printed, the\n"
    "other files still run) or reports that cannot be written. 2 wins over 1.\n"
    "On a terminal a progress line is shown and colours are used (unless NO_COLOR is set).\n";

static const char check_usage[] =
    "usage: appcsim check [--filter PATTERN] [--quiet | --verbose] PATH...\n"
    "\n"
    "Validates scenario files without running them: loads each file and builds its world\n"
    "(zones, policies, nodes, timeline). Folders are searched as by `appcsim run`.\n"
    "Exit status: 0 every file is valid; 2 a file is invalid (diagnostics FILE:LINE:COL are\n"
    "printed) or bad usage.\n";

static const char explain_usage[] =
    "usage: appcsim explain [--seed N] FILE\n"
    "\n"
    "Runs one scenario and tells its run as a story from the trace: who asked what, which\n"
    "connector answered, what was learned, approved and propagated, and which path every flow\n"
    "took and why; then each expectation's result.\n"
    "Exit status: 0 every expectation passed; 1 one failed; 2 bad usage or an invalid file.\n";

/* ---- options ---- */

typedef struct {
    const char *filter;
    bool has_seed;
    uint64_t seed;
    unsigned jobs;
    const char *trace;
    const char *report_dir;
    bool quiet, verbose, help;
    char **paths;
    size_t n_paths;
} opts_t;

static bool parse_u64(const char *s, uint64_t *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}

/* Parses argv (argv[0] is the subcommand). allowed: the options this command takes. 0, or 2
 * after printing the problem. */
static int parse_opts(int argc, char **argv, const char *allowed, opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->jobs = 1;
    o->report_dir = "reports";
    if ((o->paths = calloc((size_t)argc + 1, sizeof *o->paths)) == NULL)
        return 2;
    bool dashdash = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (dashdash || a[0] != '-' || strcmp(a, "-") == 0) {
            o->paths[o->n_paths++] = argv[i];
            continue;
        }
        if (strcmp(a, "--") == 0) {
            dashdash = true;
            continue;
        }
        char name[32];
        const char *value = NULL;
        const char *eq = strchr(a, '=');
        size_t n = eq ? (size_t)(eq - a) : strlen(a);
        if (n >= sizeof name) {
            fprintf(stderr, "appcsim %s: unknown option '%s'\n", argv[0], a);
            return 2;
        }
        memcpy(name, a, n);
        name[n] = '\0';
        if (eq)
            value = eq + 1;
        bool takes = strcmp(name, "--filter") == 0 || strcmp(name, "--seed") == 0 ||
                     strcmp(name, "--jobs") == 0 || strcmp(name, "--trace") == 0 ||
                     strcmp(name, "--report-dir") == 0;
        bool known = takes || strcmp(name, "--quiet") == 0 || strcmp(name, "--verbose") == 0 ||
                     strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
                     strcmp(name, "-q") == 0 || strcmp(name, "-v") == 0;
        /* allowed lists the long names this command takes, space separated. */
        char key[40];
        snprintf(key, sizeof key, " %s ", name);
        if (!known || (strcmp(name, "--help") != 0 && strcmp(name, "-h") != 0 &&
                       strstr(allowed, key) == NULL)) {
            fprintf(stderr, "appcsim %s: unknown option '%s' (try appcsim %s --help)\n", argv[0],
                    name, argv[0]);
            return 2;
        }
        if (takes && value == NULL) {
            if (i + 1 >= argc) {
                fprintf(stderr, "appcsim %s: option %s needs a value\n", argv[0], name);
                return 2;
            }
            value = argv[++i];
        } else if (!takes && value != NULL) {
            fprintf(stderr, "appcsim %s: option %s takes no value\n", argv[0], name);
            return 2;
        }
        if (strcmp(name, "--filter") == 0) {
            o->filter = value;
        } else if (strcmp(name, "--seed") == 0) {
            if (!parse_u64(value, &o->seed)) {
                fprintf(stderr, "appcsim %s: --seed needs an unsigned 64-bit number, not '%s'\n",
                        argv[0], value);
                return 2;
            }
            o->has_seed = true;
        } else if (strcmp(name, "--jobs") == 0) {
            uint64_t j;
            if (!parse_u64(value, &j) || j < 1 || j > MAX_JOBS) {
                fprintf(stderr, "appcsim %s: --jobs needs a number from 1 to %d, not '%s'\n",
                        argv[0], MAX_JOBS, value);
                return 2;
            }
            o->jobs = (unsigned)j;
        } else if (strcmp(name, "--trace") == 0) {
            o->trace = value;
        } else if (strcmp(name, "--report-dir") == 0) {
            if (value[0] == '\0') {
                fprintf(stderr, "appcsim %s: --report-dir needs a folder\n", argv[0]);
                return 2;
            }
            o->report_dir = value;
        } else if (strcmp(name, "--quiet") == 0 || strcmp(name, "-q") == 0) {
            o->quiet = true;
        } else if (strcmp(name, "--verbose") == 0 || strcmp(name, "-v") == 0) {
            o->verbose = true;
        } else {
            o->help = true;
        }
    }
    if (o->quiet && o->verbose) {
        fprintf(stderr, "appcsim %s: --quiet and --verbose exclude each other\n", argv[0]);
        return 2;
    }
    return 0;
}

/* ---- finding files ---- */

typedef struct {
    char **v;
    size_t n, cap;
} paths_t;

static int paths_push(paths_t *p, char *s)
{
    if (s == NULL)
        return -1;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        char **nv = realloc(p->v, cap * sizeof *nv);
        if (nv == NULL) {
            free(s);
            return -1;
        }
        p->v = nv;
        p->cap = cap;
    }
    p->v[p->n++] = s;
    return 0;
}

static void paths_free(paths_t *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
    memset(p, 0, sizeof *p);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Adds every *.json below dir (not following symbolic links to folders, skipping folders
 * named `invalid`). 0, or -1 after printing why. */
static int walk(const char *dir, paths_t *out)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "appcsim: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    paths_t subdirs = {0};
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *full = path_join(dir, e->d_name);
        struct stat st;
        if (full == NULL || lstat(full, &st) != 0) {
            free(full);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (strcmp(e->d_name, "invalid") == 0)
                free(full);
            else if (paths_push(&subdirs, full) != 0)
                rc = -1;
        } else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && ends_with(e->d_name, ".json")) {
            if (paths_push(out, full) != 0)
                rc = -1;
        } else {
            free(full);
        }
    }
    closedir(d);
    for (size_t i = 0; i < subdirs.n && rc == 0; i++)
        rc = walk(subdirs.v[i], out);
    paths_free(&subdirs);
    return rc;
}

/* Every file named, or found below a folder named, each argument's files sorted by path.
 * Returns 0, or 2 when a path is missing (the others are still collected). */
static int collect(const opts_t *o, paths_t *out)
{
    int status = 0;
    for (size_t i = 0; i < o->n_paths; i++) {
        struct stat st;
        if (stat(o->paths[i], &st) != 0) {
            fprintf(stderr, "appcsim: %s: %s\n", o->paths[i], strerror(errno));
            status = 2;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (paths_push(out, strdup(o->paths[i])) != 0)
                status = 2;
            continue;
        }
        size_t first = out->n;
        if (walk(o->paths[i], out) != 0)
            status = 2;
        if (out->n > first)
            qsort(out->v + first, out->n - first, sizeof *out->v, cmp_str);
    }
    return status;
}

/* The length of the folder part ("a/b/") that every path starts with. */
static size_t common_folder(const paths_t *p)
{
    if (p->n == 0)
        return 0;
    size_t n = strlen(p->v[0]);
    for (size_t i = 1; i < p->n; i++) {
        size_t k = 0;
        while (k < n && p->v[i][k] == p->v[0][k])
            k++;
        n = k;
    }
    while (n > 0 && p->v[0][n - 1] != '/')
        n--;
    return n;
}

/* ---- one job ---- */

static bool filter_match(const char *pattern, const char *name, const char *path)
{
    if (pattern == NULL)
        return true;
    return (name && strstr(name, pattern)) || strstr(path, pattern) ||
           (name && fnmatch(pattern, name, 0) == 0) || fnmatch(pattern, path, 0) == 0;
}

static char *file_stem(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *b = slash ? slash + 1 : path;
    const char *dot = strrchr(b, '.');
    return strndup(b, dot && dot != b ? (size_t)(dot - b) : strlen(b));
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Loads, filters and (unless validate_only) runs path. False when the filter leaves it out. */
static bool job_run(const char *path, const opts_t *o, const run_opts_t *ro, run_result_t *out)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    diag_list_t d;
    diag_list_init(&d);
    scenario_t *s = NULL;
    bool included;
    if (scenario_load(path, &s, &d) != 0 || s == NULL) {
        char *stem = file_stem(path);
        included = filter_match(o->filter, stem, path);
        free(stem);
        if (included)
            runner_result_invalid(path, &d, ro, out);
    } else {
        included = filter_match(o->filter, s->name, path);
        if (included)
            runner_run_scenario(s, &d, ro, out);
    }
    scenario_free(s);
    diag_list_free(&d);
    if (included)
        out->wall_seconds = seconds_since(&t0);
    return included;
}

/* ---- output in order ---- */

typedef struct {
    const opts_t *o;
    report_text_opts_t text;
    bool tty;
    FILE *trace;
    run_result_t *results; /* kept results, in path order */
    size_t n_results;
    size_t total, done;
    bool progress_shown;
    struct timespec start;
    report_html_t *html;   /* `run`: the HTML report, a page written per result as it comes */
    errinfo_t html_err;    /* the first problem writing it */
    bool html_failed;
} out_t;

static void progress_clear(out_t *u)
{
    if (u->progress_shown) {
        fputs("\r\033[K", stdout);
        u->progress_shown = false;
    }
}

static void progress_show(out_t *u)
{
    if (!u->tty || u->total < 2)
        return;
    printf("\r\033[K[%zu/%zu] running...", u->done, u->total);
    fflush(stdout);
    u->progress_shown = true;
}

static void write_trace(out_t *u, const run_result_t *r)
{
    if (u->trace == NULL || r->status == RUN_INVALID)
        return;
    json_t *h = json_pack("{s:s,s:s,s:s,s:s}", "scenario", r->name ? r->name : "", "file",
                          r->file ? r->file : "", "seed", "", "fingerprint", r->fingerprint);
    char seed[24];
    snprintf(seed, sizeof seed, "%" PRIu64, r->seed);
    if (h)
        json_object_set_new(h, "seed", json_string(seed));
    char *line = h ? json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (line) {
        fputs(line, u->trace);
        fputc('\n', u->trace);
    }
    free(line);
    json_decref(h);
    if (r->trace)
        fwrite(r->trace, 1, r->trace_len, u->trace);
}

/* A finished job's result, in order: printed, traced, its HTML page written, kept (the trace
 * text is dropped: only its page needs it, so a long suite never holds every trace). */
static void emit(out_t *u, run_result_t *r)
{
    progress_clear(u);
    report_text_scenario(stdout, r, &u->text);
    if (r->status == RUN_INVALID)
        for (size_t i = 0; i < r->n_diags; i++)
            fprintf(stderr, "%s\n", r->diags[i]);
    write_trace(u, r);
    if (u->html != NULL && !u->html_failed &&
        report_html_scenario(u->html, r, &u->html_err) != 0)
        u->html_failed = true;
    free(r->trace);
    r->trace = NULL;
    r->trace_len = 0;
    u->results[u->n_results++] = *r;
    memset(r, 0, sizeof *r);
    fflush(stdout);
}

/* ---- workers ---- */

typedef struct {
    pid_t pid;
    int fd;
    char *buf;
    size_t len, cap;
} worker_t;

static void worker_main(int fd, const char *path, const opts_t *o, const run_opts_t *ro)
{
    run_result_t r;
    memset(&r, 0, sizeof r);
    bool included = job_run(path, o, ro, &r);
    json_t *msg = json_object();
    json_object_set_new(msg, "included", json_boolean(included));
    if (included) {
        json_object_set_new(msg, "result", report_json_result(&r, true));
        json_object_set_new(msg, "wall_seconds", json_real(r.wall_seconds));
    }
    char *text = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    run_result_clear(&r);
    int code = text == NULL;
    for (size_t off = 0, n = text ? strlen(text) : 0; off < n;) {
        ssize_t w = write(fd, text + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            code = 1;
            break;
        }
        off += (size_t)w;
    }
    free(text);
    close(fd);
    _exit(code);
}

/* Turns a finished worker's message into a result. False when the filter left it out. */
static bool worker_result(worker_t *wk, int wstatus, const char *path, run_result_t *out)
{
    memset(out, 0, sizeof *out);
    json_error_t jerr;
    json_t *msg = wk->len ? json_loadb(wk->buf, wk->len, 0, &jerr) : NULL;
    errinfo_t err = {{0}};
    bool ok = msg != NULL && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0;
    if (ok && !json_is_true(json_object_get(msg, "included"))) {
        json_decref(msg);
        return false;
    }
    if (ok && report_json_parse_result(json_object_get(msg, "result"), out, &err) != 0)
        ok = false;
    if (ok)
        out->wall_seconds = json_real_value(json_object_get(msg, "wall_seconds"));
    json_decref(msg);
    if (!ok) {
        run_result_clear(out);
        out->name = file_stem(path);
        out->file = strdup(path);
        out->status = RUN_ERROR;
        char why[600];
        if (WIFSIGNALED(wstatus))
            snprintf(why, sizeof why, "the worker process died of signal %d (%s)",
                     WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
        else
            snprintf(why, sizeof why, "the worker process sent no valid result%s%s",
                     err.msg[0] ? ": " : "", err.msg);
        out->error = strdup(why);
    }
    return true;
}

/* Runs every path, in order of output; returns 0, or 2 when workers cannot be started. */
static int run_all(const paths_t *paths, const opts_t *o, const run_opts_t *ro, out_t *u)
{
    size_t n = paths->n;
    run_result_t *pending = calloc(n ? n : 1, sizeof *pending);
    unsigned char *state = calloc(n ? n : 1, 1); /* 0 waiting, 1 running, 2 done, 3 left out */
    worker_t *wk = calloc(o->jobs, sizeof *wk);
    size_t *slot_job = calloc(o->jobs, sizeof *slot_job);
    struct pollfd *pfd = calloc(o->jobs, sizeof *pfd);
    int status = 0;
    if (pending == NULL || state == NULL || wk == NULL || slot_job == NULL || pfd == NULL) {
        fprintf(stderr, "appcsim: out of memory\n");
        status = 2;
        goto out;
    }
    size_t next = 0, next_emit = 0, active = 0;
    while (next_emit < n) {
        /* Emit what is finished, in order. */
        while (next_emit < n && state[next_emit] >= 2) {
            if (state[next_emit] == 2)
                emit(u, &pending[next_emit]);
            next_emit++;
        }
        if (next_emit >= n)
            break;
        if (o->jobs == 1) {
            /* In process: nothing to fork, the same results. */
            u->done = next;
            progress_show(u);
            state[next] = job_run(paths->v[next], o, ro, &pending[next]) ? 2 : 3;
            next++;
            continue;
        }
        while (active < o->jobs && next < n) {
            int fds[2];
            size_t s = 0;
            while (wk[s].pid != 0)
                s++;
            fflush(stdout);
            fflush(stderr);
            if (u->trace)
                fflush(u->trace);
            if (pipe(fds) != 0) {
                fprintf(stderr, "appcsim: cannot create a pipe: %s\n", strerror(errno));
                status = 2;
                goto out;
            }
            pid_t pid = fork();
            if (pid < 0) {
                fprintf(stderr, "appcsim: cannot start a worker: %s\n", strerror(errno));
                close(fds[0]);
                close(fds[1]);
                status = 2;
                goto out;
            }
            if (pid == 0) {
                /* The worker needs none of the scheduler's state: let it go (and the other
                 * workers' pipes), so that the worker ends with nothing of it left over. */
                close(fds[0]);
                for (size_t k = 0; k < o->jobs; k++) {
                    if (wk[k].pid != 0)
                        close(wk[k].fd);
                    free(wk[k].buf);
                }
                for (size_t k = 0; k < n; k++)
                    run_result_clear(&pending[k]);
                free(pending);
                free(state);
                free(wk);
                free(slot_job);
                free(pfd);
                worker_main(fds[1], paths->v[next], o, ro);
            }
            close(fds[1]);
            wk[s] = (worker_t){pid, fds[0], NULL, 0, 0};
            slot_job[s] = next;
            state[next++] = 1;
            active++;
        }
        u->done = next_emit;
        progress_show(u);
        size_t np = 0;
        size_t map[MAX_JOBS];
        for (size_t s = 0; s < o->jobs; s++)
            if (wk[s].pid != 0) {
                pfd[np] = (struct pollfd){wk[s].fd, POLLIN, 0};
                map[np++] = s;
            }
        if (poll(pfd, np, -1) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "appcsim: poll: %s\n", strerror(errno));
            status = 2;
            goto out;
        }
        for (size_t k = 0; k < np; k++) {
            if (pfd[k].revents == 0)
                continue;
            worker_t *w = &wk[map[k]];
            if (w->len + 65536 > w->cap) {
                size_t cap = w->cap ? w->cap * 2 : 131072;
                char *nb = realloc(w->buf, cap);
                if (nb == NULL) {
                    fprintf(stderr, "appcsim: out of memory\n");
                    status = 2;
                    goto out;
                }
                w->buf = nb;
                w->cap = cap;
            }
            ssize_t got = read(w->fd, w->buf + w->len, w->cap - w->len);
            if (got < 0 && errno == EINTR)
                continue;
            if (got > 0) {
                w->len += (size_t)got;
                continue;
            }
            close(w->fd);
            int ws = 0;
            while (waitpid(w->pid, &ws, 0) < 0 && errno == EINTR)
                ;
            size_t job = slot_job[map[k]];
            state[job] = worker_result(w, ws, paths->v[job], &pending[job]) ? 2 : 3;
            free(w->buf);
            memset(w, 0, sizeof *w);
            active--;
        }
    }
out:
    if (wk != NULL)
        for (size_t s = 0; s < o->jobs; s++)
            if (wk[s].pid != 0) {
                close(wk[s].fd);
                kill(wk[s].pid, SIGTERM);
                waitpid(wk[s].pid, NULL, 0);
                free(wk[s].buf);
            }
    if (pending != NULL)
        for (size_t i = 0; i < n; i++)
            run_result_clear(&pending[i]);
    free(pending);
    free(state);
    free(wk);
    free(slot_job);
    free(pfd);
    progress_clear(u);
    return status;
}

/* ---- report folder ---- */

static int write_reports(const char *dir, out_t *u)
{
    const run_result_t *rs = u->results;
    size_t n = u->n_results;
    if (make_dirs(dir) != 0) {
        fprintf(stderr, "appcsim: cannot create %s: %s\n", dir, strerror(errno));
        return 2;
    }
    char *junit = path_join(dir, "junit.xml"), *json = path_join(dir, "results.json");
    errinfo_t err = {{0}};
    int status = 0;
    if (junit == NULL || json == NULL || report_junit_write(junit, rs, n, &err) != 0 ||
        report_json_write(json, rs, n, &err) != 0) {
        fprintf(stderr, "appcsim: %s\n", err.msg[0] ? err.msg : "out of memory");
        status = 2;
    }
    /* The scenario pages were written as results came; the index comes last. */
    if (u->html != NULL && !u->html_failed &&
        report_html_index(u->html, rs, n, &u->html_err) != 0)
        u->html_failed = true;
    if (u->html == NULL || u->html_failed) {
        fprintf(stderr, "appcsim: HTML report: %s\n",
                u->html_err.msg[0] ? u->html_err.msg : "out of memory");
        status = 2;
    }
    free(junit);
    free(json);
    return status;
}

/* ---- the commands ---- */

static bool use_color(void)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && (nc == NULL || nc[0] == '\0');
}

static int exit_status(const run_result_t *rs, size_t n, int status)
{
    for (size_t i = 0; i < n; i++) {
        if (rs[i].status == RUN_INVALID)
            status = 2;
        else if ((rs[i].status == RUN_FAIL || rs[i].status == RUN_ERROR) && status == 0)
            status = 1;
    }
    return status;
}

static int run_or_check(int argc, char **argv, bool validate)
{
    opts_t o;
    const char *allowed = validate ? " --filter --quiet -q --verbose -v "
                                   : " --filter --seed --jobs --trace --report-dir --quiet -q "
                                     "--verbose -v ";
    int status = parse_opts(argc, argv, allowed, &o);
    if (status != 0 || o.help) {
        if (o.help && status == 0)
            fputs(validate ? check_usage : run_usage, stdout);
        free(o.paths);
        return status;
    }
    if (o.n_paths == 0) {
        fprintf(stderr, "appcsim %s: give at least one scenario file or folder\n%s", argv[0],
                validate ? check_usage : run_usage);
        free(o.paths);
        return 2;
    }
    paths_t paths = {0};
    status = collect(&o, &paths);

    out_t u;
    memset(&u, 0, sizeof u);
    clock_gettime(CLOCK_MONOTONIC, &u.start);
    u.o = &o;
    u.tty = isatty(STDOUT_FILENO);
    u.text = (report_text_opts_t){use_color(), o.verbose, o.quiet, validate, u.tty};
    u.total = paths.n;
    u.results = calloc(paths.n ? paths.n : 1, sizeof *u.results);
    if (o.trace != NULL && (u.trace = fopen(o.trace, "w")) == NULL) {
        fprintf(stderr, "appcsim: cannot write the trace to %s: %s\n", o.trace, strerror(errno));
        status = 2;
    }
    run_opts_t ro = run_opts_default();
    ro.has_seed = o.has_seed;
    ro.seed = o.seed;
    ro.validate_only = validate;
    /* A run keeps every scenario's trace until its HTML page is written (emit). */
    ro.keep_trace = u.trace != NULL || !validate;
    if (!validate && u.results != NULL)
        u.html = report_html_new(o.report_dir, &u.html_err);
    if (u.html != NULL) {
        /* Page names are the paths below the folder every scenario shares. */
        size_t common = common_folder(&paths);
        char *prefix = paths.n ? strndup(paths.v[0], common) : NULL;
        report_html_strip_prefix(u.html, prefix);
        free(prefix);
    }
    if (u.results != NULL && (o.trace == NULL || u.trace != NULL)) {
        int rs = run_all(&paths, &o, &ro, &u);
        if (rs > status)
            status = rs;
    } else if (u.results == NULL) {
        status = 2;
    }
    if (u.trace != NULL && fclose(u.trace) != 0) {
        fprintf(stderr, "appcsim: cannot write the trace to %s\n", o.trace);
        status = 2;
    }
    /* A filter that matches nothing is a mistake worth failing on; a folder without scenarios
     * is only worth a note. */
    if (u.n_results == 0 && status == 0 && o.filter != NULL) {
        fprintf(stderr, "appcsim %s: no scenario matches the filter %s\n", argv[0], o.filter);
        status = 2;
    } else if (u.n_results == 0 && status == 0) {
        fprintf(stderr, "appcsim %s: no scenario files found\n", argv[0]);
    }
    if (!validate && u.results != NULL && (u.n_results > 0 || o.n_paths > 0)) {
        int ws = write_reports(o.report_dir, &u);
        if (ws > status)
            status = ws;
    }
    if (u.results != NULL && (u.n_results > 0 || status == 0)) {
        report_text_totals(stdout, u.results, u.n_results, &u.text);
        if (u.tty)
            printf("(%.2f s)\n", seconds_since(&u.start));
    }
    if (u.results != NULL)
        status = exit_status(u.results, u.n_results, status);
    for (size_t i = 0; i < u.n_results; i++)
        run_result_clear(&u.results[i]);
    free(u.results);
    report_html_free(u.html);
    paths_free(&paths);
    free(o.paths);
    return status;
}

int cmd_run(int argc, char **argv)
{
    return run_or_check(argc, argv, false);
}

int cmd_check(int argc, char **argv)
{
    return run_or_check(argc, argv, true);
}

int cmd_explain(int argc, char **argv)
{
    opts_t o;
    int status = parse_opts(argc, argv, " --seed ", &o);
    if (status != 0 || o.help) {
        if (o.help && status == 0)
            fputs(explain_usage, stdout);
        free(o.paths);
        return status;
    }
    if (o.n_paths != 1) {
        fprintf(stderr, "appcsim explain: give exactly one scenario file\n%s", explain_usage);
        free(o.paths);
        return 2;
    }
    diag_list_t d;
    diag_list_init(&d);
    scenario_t *s = NULL;
    if (scenario_load(o.paths[0], &s, &d) != 0 || s == NULL) {
        diag_list_print(&d, stderr);
        diag_list_free(&d);
        free(o.paths);
        return 2;
    }
    run_opts_t ro = run_opts_default();
    ro.has_seed = o.has_seed;
    ro.seed = o.seed;
    ro.keep_trace = true;
    run_result_t r;
    runner_run_scenario(s, &d, &ro, &r);
    if (r.status == RUN_INVALID) {
        for (size_t i = 0; i < r.n_diags; i++)
            fprintf(stderr, "%s\n", r.diags[i]);
        status = 2;
    } else {
        explain_write(stdout, s, &r);
        status = r.status == RUN_PASS ? 0 : 1;
    }
    run_result_clear(&r);
    scenario_free(s);
    diag_list_free(&d);
    free(o.paths);
    return status;
}
