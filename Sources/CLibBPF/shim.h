/* Umbrella header for libbpf (Debian: libbpf-dev). */
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <net/if.h>
#include <sys/vfs.h>
#include <sys/mount.h>
#include <malloc.h> /* malloc_trim: the daemon returns freed heap pages */
#include <linux/rtnetlink.h> /* link and address change events */
