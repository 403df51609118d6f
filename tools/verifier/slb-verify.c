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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "swiftlb_abi.h"

#include "slb-verify.h"

/* Room for the statistics (1 MiB), or for a debug log's tail (SLB_VERIFY_LOG_LEVEL: 64 MiB). */
static size_t log_size = 1 << 20;
#define MAX_PROGS 64

struct result {
	char name[64];
	int loaded;	  /* 1 loaded, 0 refused, -1 not attempted */
	long insns;	  /* processed instructions, -1 unknown */
	long peak_states; /* peak states, -1 unknown */
	char stack[64];	  /* "stack depth" as the verifier prints it */
	long usec;	  /* verification time */
	char error[160];  /* first line of the verifier's complaint */
};

static char *logs[MAX_PROGS];

/*
 * libbpf's first warning of the current load attempt: when the object fails before any
 * program reaches the verifier (a kfunc or map type the kernel lacks), it is the reason.
 */
static char first_warning[200];

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level != LIBBPF_WARN)
		return 0;
	if (getenv("SLB_VERIFY_DEBUG")) {
		va_list copy;

		va_copy(copy, args);
		vfprintf(stderr, fmt, copy);
		va_end(copy);
	}
	if (!first_warning[0]) {
		vsnprintf(first_warning, sizeof(first_warning), fmt, args);
		first_warning[strcspn(first_warning, "\n")] = 0;
	}
	return 0;
}

/*
 * Newer kernels print "stack depth max N" and then one line per subprogram ending in
 * "stack S" instead of "stack depth S0+S1+...": joins the S in the older form.
 */
static void parse_subprog_stacks(const char *p, char *out, size_t size)
{
	size_t used = 0;

	out[0] = 0;
	while ((p = strstr(p, "\nsubprog "))) {
		const char *eol = strchr(p + 1, '\n');
		const char *s = p + 1, *last = NULL;
		int depth;

		while ((s = strstr(s, " stack ")) && (!eol || s < eol))
			last = s++;
		p++;
		if (!last || sscanf(last, " stack %d", &depth) != 1)
			continue;
		used += (size_t)snprintf(out + used, size - used, "%s%d", used ? "+" : "", depth);
		if (used >= size - 1) {
			out[size - 1] = 0;
			break;
		}
	}
}

/* Reads the statistics lines of a log-level-4 verifier log into `r`. */
static void parse_log(const char *log, struct result *r)
{
	const char *p;

	p = strstr(log, "processed ");
	if (p)
		sscanf(p,
		       "processed %ld insns (limit %*d) max_states_per_insn %*d total_states %*d "
		       "peak_states %ld",
		       &r->insns, &r->peak_states);
	p = strstr(log, "verification time ");
	if (p)
		sscanf(p, "verification time %ld usec", &r->usec);
	p = strstr(log, "stack depth ");
	if (p && !strncmp(p, "stack depth max ", 16))
		parse_subprog_stacks(p, r->stack, sizeof(r->stack));
	else if (p)
		sscanf(p, "stack depth %63[0-9+]", r->stack);
	if (!r->loaded) {
		/* The complaint is the last non-statistics line before "processed". */
		const char *end = strstr(log, "processed ");
		const char *line = log, *best = NULL;

		while (line && *line && (!end || line < end)) {
			if (strncmp(line, "verification time", 17) &&
			    strncmp(line, "stack depth", 11) && strncmp(line, "subprog ", 8))
				best = line;
			line = strchr(line, '\n');
			if (line)
				line++;
		}
		if (best)
			sscanf(best, "%159[^\n]", r->error);
	}
}

/*
 * Debugging only: SLB_VERIFY_LOG_LEVEL=2 SLB_VERIFY_LOG_PROG=NAME asks for the whole log of
 * one program (slow, large); SLB_VERIFY_LOG_DIR=DIR saves every program's log.
 */
static int debug_level(const char *name)
{
	const char *level = getenv("SLB_VERIFY_LOG_LEVEL"), *only = getenv("SLB_VERIFY_LOG_PROG");

	if (!level || (only && strcmp(only, name)))
		return 0;
	return atoi(level);
}

/* Writes a program's verifier log to DIR/NAME.log (SLB_VERIFY_LOG_DIR, for debugging). */
static void save_log(const char *dir, const char *name, const char *log)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.log", dir, name);
	f = fopen(path, "w");
	if (!f)
		return;
	fputs(log, f);
	fclose(f);
}

/*
 * Whether a verifier log says more than the statistics (the lines "verification time",
 * "stack depth", "subprog" and "processed" of a program that passed), or has no statistics:
 * then the kernel refused the program.
 */
static int log_has_complaint(const char *log)
{
	const char *line = log;

	if (!strstr(log, "processed "))
		return 1;
	while (line && *line) {
		if (*line != '\n' && strncmp(line, "verification time", 17) &&
		    strncmp(line, "stack depth", 11) && strncmp(line, "subprog ", 8) &&
		    strncmp(line, "processed ", 10))
			return 1;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return 0;
}

/*
 * The kernel features the daemon would switch on (Sources/SwiftLBDatapath/DatapathFeatures.swift
 * does the same from the same BTF), so that the verifier checks the code the daemon loads.
 */
static void set_features(struct bpf_object *obj)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, SLB_FEATURES_SECTION);
	struct slb_features *features;
	struct btf *vmlinux;
	size_t size = 0;

	if (!map)
		return;
	features = (struct slb_features *)bpf_map__initial_value(map, &size);
	if (!features || size != sizeof(*features))
		return;
	vmlinux = btf__load_vmlinux_btf();
	if (libbpf_get_error(vmlinux))
		return;
	features->kern_ctx =
		btf__find_by_name_kind(vmlinux, "bpf_cast_to_kern_ctx", BTF_KIND_FUNC) > 0;
	btf__free(vmlinux);
}

/* Maps are private to this run: no pins, a small conntrack table. */
static void prepare_maps(struct bpf_object *obj)
{
	struct bpf_map *map;

	set_features(obj);
	bpf_object__for_each_map(map, obj)
	{
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
	int i = 0, err, last;

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "slb-verify: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	prepare_maps(obj);
	bpf_object__for_each_program(prog, obj)
	{
		if (i >= MAX_PROGS)
			break;
		snprintf(res[i].name, sizeof(res[i].name), "%s", bpf_program__name(prog));
		if (skip[i]) {
			bpf_program__set_autoload(prog, false);
		} else {
			logs[i][0] = 0;
			bpf_program__set_log_buf(prog, logs[i], log_size);
			bpf_program__set_log_level(prog, debug_level(res[i].name) | 4);
		}
		i++;
	}
	*count = i;
	first_warning[0] = 0;
	err = bpf_object__load(obj);
	/*
	 * libbpf loads the programs in order, stops at the first the kernel refuses and then
	 * unloads the ones before it: after a failed load no fd tells who passed. The refused one
	 * is the last program with a log, if that log has a complaint; the ones before it passed.
	 */
	last = -1;
	for (i = 0; i < *count; i++) {
		if (!skip[i] && logs[i][0])
			last = i;
	}
	i = 0;
	bpf_object__for_each_program(prog, obj)
	{
		if (i >= MAX_PROGS)
			break;
		if (!skip[i] && logs[i][0]) {
			struct result *r = &res[i];

			if (err)
				r->loaded = !(i == last && log_has_complaint(logs[i]));
			else
				r->loaded = bpf_program__fd(prog) >= 0;
			parse_log(logs[i], r);
			if (getenv("SLB_VERIFY_LOG_DIR"))
				save_log(getenv("SLB_VERIFY_LOG_DIR"), r->name, logs[i]);
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

/*
 * The verifier prints one stack depth per function ("168+24+280"). Shown as the main program's
 * frame and the largest other frame ("168/280"): the chain of frames must fit 512 bytes, and
 * the verifier has checked that; the table shows where the stack goes.
 */
static void stack_summary(const char *depths, char *out, size_t size)
{
	long first = -1, largest = 0, v;
	char *end;

	while (*depths) {
		v = strtol(depths, &end, 10);
		if (end == depths)
			break;
		if (first < 0)
			first = v;
		else if (v > largest)
			largest = v;
		depths = *end == '+' ? end + 1 : end;
	}
	if (first < 0)
		snprintf(out, size, "-");
	else
		snprintf(out, size, "%ld/%ld", first, largest);
}

static int check_object(const char *path, long limit, int packet)
{
	struct result res[MAX_PROGS];
	int skip[MAX_PROGS] = { 0 };
	struct bpf_object *obj = NULL;
	int count = 0, attempt, i, bad = 0, refused, refusals = 0, packet_bad = 0;

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
	printf("%-28s %-10s %12s %8s %10s %10s\n", "program", "verdict", "processed", "peak",
	       "stack", "verify ms");
	for (i = 0; i < count; i++) {
		struct result *r = &res[i];
		char stack[48];
		const char *verdict = r->loaded == 1 ? "ok" :
				      r->loaded == 0 ? "REFUSED" :
						       "not loaded";

		if (r->loaded == 1 && r->insns > limit)
			verdict = "OVER";
		stack_summary(r->stack, stack, sizeof(stack));
		printf("%-28s %-10s %12ld %8ld %10s %10.1f\n", r->name, verdict, r->insns,
		       r->peak_states, stack, r->usec / 1000.0);
		if (r->loaded == 0 && r->error[0])
			printf("    %s\n", r->error);
		if (r->loaded != 1 || r->insns > limit)
			bad++;
		if (r->loaded == 0)
			refusals++;
	}
	refused = !obj;
	if (refused) {
		printf("%s: the object as a whole did not load%s\n", path,
		       refusals ? "" : " (no program was refused: maps, relocations or kfuncs)");
		if (first_warning[0])
			printf("    %s\n", first_warning);
	}
	if (obj && packet)
		packet_bad = slb_packet_test(obj) != 0;
	else if (packet)
		printf("packet: not run: the object did not load\n");
	if (obj)
		bpf_object__close(obj);
	printf("%s: %d of %d programs within %ld processed instructions\n", path, count - bad,
	       count, limit);
	return bad || refused || packet_bad;
}

int main(int argc, char **argv)
{
	long limit = 500000;
	int i, packet = 0, failed = 0, objects = 0;

	libbpf_set_print(quiet_print);
	for (i = 0; i < MAX_PROGS; i++) {
		if (getenv("SLB_VERIFY_LOG_LEVEL"))
			log_size = 64 << 20;
		logs[i] = malloc(log_size);
		if (!logs[i])
			return 2;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
			limit = strtol(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--packet")) {
			packet = 1;
		} else if (argv[i][0] == '-') {
			fprintf(stderr,
				"usage: slb-verify [--limit N] [--packet] OBJECT.bpf.o...\n");
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
