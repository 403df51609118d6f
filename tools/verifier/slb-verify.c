// SPDX-License-Identifier: Apache-2.0
/*
 * slb-verify - loads every program of SwiftLB's BPF objects and reports what the verifier
 * spent on each: processed instructions, peak states, stack depth, verification time.
 *
 *   slb-verify [--limit N] [--packet] OBJECT.bpf.o...
 *
 * Prints one table row per program and exits 1 when a program is refused or needs more than
 * N processed instructions (default 500000, half the kernel's limit). Maps are neither pinned
 * nor reused, and the conntrack table is shrunk, so the check runs beside a live daemon and in
 * a small VM. With --packet it also sends packets through the loaded datapath
 * (packet-test.c). Used by scripts/verifier-budget.sh on the host and by
 * scripts/kernel-matrix.sh inside QEMU, so both report the same numbers.
 *
 * The verifier's statistics come from log level 4 (BPF_LOG_STATS), which costs nothing
 * extra. When a program is refused, libbpf stops loading the object; the tool then loads
 * the object again without the programs already refused, until every program has a verdict.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "slb-verify.h"

#define LOG_SIZE (1 << 20)
#define MAX_PROGS 64

struct result {
	char name[64];
	int loaded;       /* 1 loaded, 0 refused, -1 not attempted */
	long insns;       /* processed instructions, -1 unknown */
	long peak_states; /* peak states, -1 unknown */
	char stack[64];   /* "stack depth" as the verifier prints it */
	long usec;        /* verification time */
	char error[160];  /* first line of the verifier's complaint */
};

static char *logs[MAX_PROGS];

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_WARN && getenv("SLB_VERIFY_DEBUG"))
		return vfprintf(stderr, fmt, args);
	return 0;
}

/* Reads the statistics lines of a log-level-4 verifier log into `r`. */
static void parse_log(const char *log, struct result *r)
{
	const char *p;

	p = strstr(log, "processed ");
	if (p)
		sscanf(p, "processed %ld insns (limit %*d) max_states_per_insn %*d total_states %*d "
			  "peak_states %ld",
		       &r->insns, &r->peak_states);
	p = strstr(log, "verification time ");
	if (p)
		sscanf(p, "verification time %ld usec", &r->usec);
	p = strstr(log, "stack depth ");
	if (p)
		sscanf(p, "stack depth %63[0-9+]", r->stack);
	if (!r->loaded) {
		/* The complaint is the last non-statistics line before "processed". */
		const char *end = strstr(log, "processed ");
		const char *line = log, *best = NULL;

		while (line && *line && (!end || line < end)) {
			if (strncmp(line, "verification time", 17) && strncmp(line, "stack depth", 11))
				best = line;
			line = strchr(line, '\n');
			if (line)
				line++;
		}
		if (best)
			sscanf(best, "%159[^\n]", r->error);
	}
}

/* Maps are private to this run: no pins, a small conntrack table. */
static void prepare_maps(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		bpf_map__set_pin_path(map, NULL);
		if (!strcmp(bpf_map__name(map), "slb_ct"))
			bpf_map__set_max_entries(map, SLB_VERIFY_CT_SLOTS);
	}
}

/*
 * One load attempt of `path` with the programs in `skip` left out. Returns the loaded object
 * (caller closes) or NULL; fills `res` for every program that got a verdict.
 */
static struct bpf_object *load_once(const char *path, struct result *res, int *count, int *skip)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	int i = 0, err;

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "slb-verify: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	prepare_maps(obj);
	bpf_object__for_each_program(prog, obj) {
		if (i >= MAX_PROGS)
			break;
		snprintf(res[i].name, sizeof(res[i].name), "%s", bpf_program__name(prog));
		if (skip[i]) {
			bpf_program__set_autoload(prog, false);
		} else {
			logs[i][0] = 0;
			bpf_program__set_log_buf(prog, logs[i], LOG_SIZE);
			bpf_program__set_log_level(prog, 4);
		}
		i++;
	}
	*count = i;
	err = bpf_object__load(obj);
	i = 0;
	bpf_object__for_each_program(prog, obj) {
		if (i >= MAX_PROGS)
			break;
		if (!skip[i] && logs[i][0]) {
			struct result *r = &res[i];

			r->loaded = bpf_program__fd(prog) >= 0;
			parse_log(logs[i], r);
			if (!r->loaded)
				skip[i] = 1;
		}
		i++;
	}
	if (err) {
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

static int check_object(const char *path, long limit, int packet)
{
	struct result res[MAX_PROGS];
	int skip[MAX_PROGS] = { 0 };
	struct bpf_object *obj = NULL;
	int count = 0, attempt, i, bad = 0, refused;

	for (i = 0; i < MAX_PROGS; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		res[i].loaded = -1;
		res[i].insns = res[i].peak_states = res[i].usec = -1;
	}
	for (attempt = 0; attempt < MAX_PROGS && !obj; attempt++) {
		int before = 0, after = 0;

		for (i = 0; i < MAX_PROGS; i++)
			before += skip[i];
		obj = load_once(path, res, &count, skip);
		for (i = 0; i < MAX_PROGS; i++)
			after += skip[i];
		/* Nothing new refused: the object fails for another reason (maps, relocations). */
		if (!obj && after == before)
			break;
	}
	printf("%-28s %-10s %12s %8s %10s %10s\n", "program", "verdict", "processed", "peak", "stack",
	       "verify ms");
	for (i = 0; i < count; i++) {
		struct result *r = &res[i];
		const char *verdict = r->loaded == 1 ? "ok" : r->loaded == 0 ? "REFUSED" : "not loaded";

		if (r->loaded == 1 && r->insns > limit)
			verdict = "OVER";
		printf("%-28s %-10s %12ld %8ld %10s %10.1f\n", r->name, verdict, r->insns,
		       r->peak_states, r->stack[0] ? r->stack : "-", r->usec / 1000.0);
		if (r->loaded == 0 && r->error[0])
			printf("    %s\n", r->error);
		if (r->loaded != 1 || r->insns > limit)
			bad++;
	}
	refused = !obj;
	if (refused)
		printf("%s: the object as a whole did not load%s\n", path,
		       bad ? "" : " (no program was refused: maps or relocations)");
	if (obj && packet && slb_packet_test(obj))
		bad++;
	if (obj)
		bpf_object__close(obj);
	printf("%s: %d of %d programs within %ld processed instructions\n", path, count - bad,
	       count, limit);
	return bad || refused;
}

int main(int argc, char **argv)
{
	long limit = 500000;
	int i, packet = 0, failed = 0, objects = 0;

	libbpf_set_print(quiet_print);
	for (i = 0; i < MAX_PROGS; i++) {
		logs[i] = malloc(LOG_SIZE);
		if (!logs[i])
			return 2;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
			limit = strtol(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--packet")) {
			packet = 1;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: slb-verify [--limit N] [--packet] OBJECT.bpf.o...\n");
			return 2;
		} else {
			objects++;
			failed |= check_object(argv[i], limit, packet);
		}
	}
	if (!objects) {
		fprintf(stderr, "usage: slb-verify [--limit N] [--packet] OBJECT.bpf.o...\n");
		return 2;
	}
	return failed;
}
