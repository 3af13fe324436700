// SPDX-License-Identifier: GPL-2.0
/*
 * nl_malformed: send memsan.ko's generic netlink family malformed requests
 * from a raw socket and check that each is rejected with an error (and an
 * extended ack message where memsan or the netlink core gives one), that
 * nothing changed, and that memsan still answers afterwards.
 *
 *   nl_malformed                 as root: the malformed requests and a fuzz round
 *   nl_malformed --unprivileged  as an unprivileged user: every privileged
 *                                request and joining the "reports" group get EPERM,
 *                                GET_STATUS works
 *
 * Output: "# ..." diagnostic lines, one "ok"/"not ok" line per case; exit 0
 * if every case passed.  Static, no libnl: runs in the test guest as is.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "../../kmod/uapi/memsan.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif

#define ANY_ERROR	1	/* expected: some error, whichever */

static int fd;
static uint16_t family;
static uint32_t reports_group;
static uint32_t seq = 1;
static int failures, cases;

/* === Building messages === */

struct msg {
	union {
		struct nlmsghdr nlh;
		char data[16384];
	};
	size_t len;
};

static void msg_init(struct msg *m, uint16_t type, uint16_t flags, uint8_t cmd)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	m->nlh.nlmsg_seq = ++seq;
	g = NLMSG_DATA(&m->nlh);
	g->cmd = cmd;
	g->version = MEMSAN_GENL_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

/* Memsan request of @cmd, acked. */
static void req(struct msg *m, uint8_t cmd)
{
	msg_init(m, family, NLM_F_ACK, cmd);
}

static struct nlattr *put(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->data + m->len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->len += NLA_ALIGN(a->nla_len);
	return a;
}

static void put_str(struct msg *m, uint16_t type, const char *s)
{
	put(m, type, s, strlen(s) + 1);
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, sizeof(v));
}

static void put_u64(struct msg *m, uint16_t type, uint64_t v)
{
	put(m, type, &v, sizeof(v));
}

static struct nlattr *nest(struct msg *m, uint16_t type)
{
	return put(m, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct msg *m, struct nlattr *a)
{
	a->nla_len = m->data + m->len - (char *)a;
}

static void put_entry(struct msg *m, const char *name, const char *value)
{
	struct nlattr *e = nest(m, MEMSAN_A_CONFIG_ENTRY);

	if (name)
		put_str(m, MEMSAN_A_ENTRY_NAME, name);
	if (value)
		put_str(m, MEMSAN_A_ENTRY_VALUE, value);
	nest_end(m, e);
}

/* === Talking === */

struct answer {
	int error;			/* 0, -errno; 1: no answer */
	char extack[256];
	char reply[8192];		/* first reply message, if any */
	size_t reply_len;
};

static void parse_extack(struct nlmsghdr *nlh, struct answer *a)
{
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	while (off + NLA_HDRLEN <= nlh->nlmsg_len) {
		struct nlattr *attr = (struct nlattr *)((char *)nlh + off);

		if (attr->nla_len < NLA_HDRLEN || off + attr->nla_len > nlh->nlmsg_len)
			break;
		if (attr->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(a->extack, sizeof(a->extack), "%.*s",
				 (int)(attr->nla_len - NLA_HDRLEN), (char *)attr + NLA_HDRLEN);
		off += NLA_ALIGN(attr->nla_len);
	}
}

/* Send @len bytes of @m; collect the answer to its sequence number. */
static void talk_raw(struct msg *m, size_t len, struct answer *a)
{
	static char buf[65536];
	uint32_t want = m->nlh.nlmsg_seq;

	memset(a, 0, sizeof(*a));
	a->error = 1;
	if (send(fd, m->data, len, 0) < 0) {
		a->error = -errno;
		return;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;

		if (n < 0)
			return;		/* timeout: no answer */
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != want)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				a->error = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
				parse_extack(nlh, a);
				return;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				memcpy(&a->error, NLMSG_DATA(nlh), sizeof(int));
				if (a->error)
					parse_extack(nlh, a);
				return;
			}
			if (!a->reply_len && nlh->nlmsg_len <= sizeof(a->reply)) {
				memcpy(a->reply, nlh, nlh->nlmsg_len);
				a->reply_len = nlh->nlmsg_len;
			}
		}
	}
}

static void talk(struct msg *m, struct answer *a)
{
	m->nlh.nlmsg_len = m->len;
	talk_raw(m, m->len, a);
}

static void note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/*
 * One case: @a must hold @want (ANY_ERROR: any negative errno) and, if
 * @extack, an extended ack message containing it.
 */
static void check(const char *name, const struct answer *a, int want, const char *extack)
{
	bool ok = want == ANY_ERROR ? a->error < 0 : a->error == want;

	if (ok && extack && !strstr(a->extack, extack))
		ok = false;
	cases++;
	if (!ok)
		failures++;
	printf("%s %d %s: error %d%s%s%s\n", ok ? "ok" : "not ok", cases, name, a->error,
	       a->extack[0] ? " \"" : "", a->extack, a->extack[0] ? "\"" : "");
	fflush(stdout);
}

/* === Setup === */

static int open_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 5 };
	int one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

/* The family id and the "reports" group id, from nlctrl. */
static int resolve(void)
{
	struct answer a;
	struct msg m;
	struct nlattr *attr, *grp, *ga;
	size_t off, goff, gaoff;

	msg_init(&m, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY);
	m.data[NLMSG_HDRLEN + 1] = 1;	/* nlctrl's version */
	put_str(&m, CTRL_ATTR_FAMILY_NAME, MEMSAN_GENL_NAME);
	talk(&m, &a);
	if (!a.reply_len)
		return -1;
	for (off = NLMSG_HDRLEN + GENL_HDRLEN; off + NLA_HDRLEN <= a.reply_len;
	     off += NLA_ALIGN(attr->nla_len)) {
		attr = (struct nlattr *)(a.reply + off);
		if (attr->nla_len < NLA_HDRLEN)
			break;
		if ((attr->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			memcpy(&family, (char *)attr + NLA_HDRLEN, sizeof(family));
		if ((attr->nla_type & NLA_TYPE_MASK) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		for (goff = NLA_HDRLEN; goff + NLA_HDRLEN <= attr->nla_len;
		     goff += NLA_ALIGN(grp->nla_len)) {
			uint32_t id = 0;
			bool ours = false;

			grp = (struct nlattr *)((char *)attr + goff);
			if (grp->nla_len < NLA_HDRLEN)
				break;
			for (gaoff = NLA_HDRLEN; gaoff + NLA_HDRLEN <= grp->nla_len;
			     gaoff += NLA_ALIGN(ga->nla_len)) {
				ga = (struct nlattr *)((char *)grp + gaoff);
				if (ga->nla_len < NLA_HDRLEN)
					break;
				if (ga->nla_type == CTRL_ATTR_MCAST_GRP_ID)
					memcpy(&id, (char *)ga + NLA_HDRLEN, sizeof(id));
				if (ga->nla_type == CTRL_ATTR_MCAST_GRP_NAME &&
				    !strcmp((char *)ga + NLA_HDRLEN, MEMSAN_MCGRP_REPORTS))
					ours = true;
			}
			if (ours)
				reports_group = id;
		}
	}
	return family ? 0 : -1;
}

/* The GET_CONFIG reply's attributes: to compare before and after. */
static size_t config_snapshot(char *buf, size_t size)
{
	struct answer a;
	struct msg m;
	size_t len;

	req(&m, MEMSAN_CMD_GET_CONFIG);
	talk(&m, &a);
	if (a.error || a.reply_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return 0;
	len = a.reply_len - NLMSG_HDRLEN - GENL_HDRLEN;
	if (len > size)
		return 0;
	memcpy(buf, a.reply + NLMSG_HDRLEN + GENL_HDRLEN, len);
	return len;
}

/* === The cases === */

static void malformed(void)
{
	char name[128], big[400];
	struct answer a;
	struct nlattr *e;
	struct msg m;
	int i;

	req(&m, MEMSAN_CMD_GET_STATUS);
	put_u32(&m, 1, 1);
	talk(&m, &a);
	check("GET_STATUS with an attribute", &a, -EINVAL, "");

	req(&m, MEMSAN_CMD_GET_STATUS);
	((struct genlmsghdr *)NLMSG_DATA(&m.nlh))->reserved = 1;
	talk(&m, &a);
	check("reserved genl header byte set", &a, -EINVAL, "reserved");

	msg_init(&m, family, NLM_F_ACK | NLM_F_EXCL, MEMSAN_CMD_GET_STATUS);
	talk(&m, &a);
	check("NLM_F_EXCL on a request", &a, -EINVAL, "nlmsg_flags");

	req(&m, 99);
	talk(&m, &a);
	check("unknown command 99", &a, -EOPNOTSUPP, NULL);

	req(&m, MEMSAN_CMD_UNSPEC);
	talk(&m, &a);
	check("command 0", &a, -EOPNOTSUPP, NULL);

	req(&m, MEMSAN_CMD_REPORT);
	talk(&m, &a);
	check("REPORT, a kernel-to-user command", &a, -EOPNOTSUPP, NULL);

	req(&m, MEMSAN_CMD_GET_STATUS);
	m.nlh.nlmsg_len = NLMSG_HDRLEN + 2;
	talk_raw(&m, NLMSG_HDRLEN + 2, &a);
	check("shorter than a genl header", &a, -EINVAL, NULL);

	req(&m, MEMSAN_CMD_GET_CONFIG);
	e = put(&m, MEMSAN_A_CONFIG_ENTRY, NULL, 0);	/* no NLA_F_NESTED */
	put_str(&m, MEMSAN_A_ENTRY_NAME, "track");
	nest_end(&m, e);
	talk(&m, &a);
	check("GET_CONFIG entry without NLA_F_NESTED", &a, -EINVAL, "NLA_F_NESTED");

	req(&m, MEMSAN_CMD_GET_CONFIG);
	e = nest(&m, MEMSAN_A_CONFIG_ENTRY);
	put(&m, MEMSAN_A_ENTRY_NAME, "track", 5);	/* no NUL */
	nest_end(&m, e);
	talk(&m, &a);
	check("GET_CONFIG name without its NUL", &a, ANY_ERROR, "");

	memset(name, 'k', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	req(&m, MEMSAN_CMD_GET_CONFIG);
	put_entry(&m, name, NULL);
	talk(&m, &a);
	check("GET_CONFIG name of 127 bytes", &a, ANY_ERROR, "");

	req(&m, MEMSAN_CMD_GET_CONFIG);
	put_entry(&m, "track", "all");
	talk(&m, &a);
	check("GET_CONFIG entry with a value", &a, -EINVAL, "");

	req(&m, MEMSAN_CMD_GET_CONFIG);
	put_entry(&m, "no_such_key", NULL);
	talk(&m, &a);
	check("GET_CONFIG unknown key", &a, -ENOENT, "unknown configuration key");

	req(&m, MEMSAN_CMD_GET_CONFIG);
	put_entry(&m, NULL, NULL);
	talk(&m, &a);
	check("GET_CONFIG entry without a name", &a, -EINVAL, "without a name");

	req(&m, MEMSAN_CMD_GET_CONFIG);
	put_u32(&m, 7, 0);
	talk(&m, &a);
	check("GET_CONFIG unknown attribute", &a, -EINVAL, "");

	req(&m, MEMSAN_CMD_GET_CONFIG);
	e = nest(&m, MEMSAN_A_CONFIG_ENTRY);
	put_str(&m, MEMSAN_A_ENTRY_NAME, "track");
	nest_end(&m, e);
	e->nla_len += 64;				/* past the end of the message */
	talk(&m, &a);
	check("GET_CONFIG entry longer than the message", &a, ANY_ERROR, NULL);

	req(&m, MEMSAN_CMD_GET_CONFIG);
	e = nest(&m, MEMSAN_A_CONFIG_ENTRY);
	put_u32(&m, MEMSAN_A_ENTRY_NAME, 0x41414141);	/* "AAAA", no NUL */
	nest_end(&m, e);
	talk(&m, &a);
	check("GET_CONFIG name of 4 bytes without NUL", &a, ANY_ERROR, NULL);

	req(&m, MEMSAN_CMD_GET_CONFIG);
	e = nest(&m, MEMSAN_A_CONFIG_ENTRY);
	nest_end(&m, nest(&m, MEMSAN_A_CONFIG_ENTRY));
	nest_end(&m, e);
	talk(&m, &a);
	check("GET_CONFIG nest in a nest", &a, ANY_ERROR, NULL);

	req(&m, MEMSAN_CMD_SET_CONFIG);
	talk(&m, &a);
	check("SET_CONFIG without entries", &a, -EINVAL, "no config entry to set");

	req(&m, MEMSAN_CMD_SET_CONFIG);
	put_entry(&m, "redzone", NULL);
	talk(&m, &a);
	check("SET_CONFIG entry without a value", &a, -EINVAL, "needs a name and a value");

	req(&m, MEMSAN_CMD_SET_CONFIG);
	put_entry(&m, "no_such_key", "1");
	talk(&m, &a);
	check("SET_CONFIG unknown key", &a, -ENOENT, "unknown configuration key");

	req(&m, MEMSAN_CMD_SET_CONFIG);
	put_entry(&m, "", "1");
	talk(&m, &a);
	check("SET_CONFIG empty key", &a, -ENOENT, "unknown configuration key");

	req(&m, MEMSAN_CMD_SET_CONFIG);
	put_entry(&m, "redzone", "7");
	talk(&m, &a);
	check("SET_CONFIG bad value", &a, -EINVAL, "invalid value");

	req(&m, MEMSAN_CMD_SET_CONFIG);
	put_entry(&m, "redzone", "32");
	put_entry(&m, "quarantine_kb", "lots");
	talk(&m, &a);
	check("SET_CONFIG good value then bad value", &a, -EINVAL, "invalid value");

	req(&m, MEMSAN_CMD_SET_CONFIG);
	put_entry(&m, "redzone", "32");
	put_entry(&m, "nonexistent", "1");
	talk(&m, &a);
	check("SET_CONFIG good key then unknown key", &a, -ENOENT, "unknown");

	memset(big, '9', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	req(&m, MEMSAN_CMD_SET_CONFIG);
	put_entry(&m, "redzone", big);
	talk(&m, &a);
	check("SET_CONFIG value of 399 bytes", &a, ANY_ERROR, "");

	req(&m, MEMSAN_CMD_SET_CONFIG);
	for (i = 0; i < 65; i++)
		put_entry(&m, "redzone", "16");
	talk(&m, &a);
	check("SET_CONFIG with 65 entries", &a, -EINVAL, "too many");

	req(&m, MEMSAN_CMD_SET_CONFIG);
	put_u64(&m, MEMSAN_A_CONFIG_ENTRY, 1);
	talk(&m, &a);
	check("SET_CONFIG entry that is a u64", &a, ANY_ERROR, NULL);

	msg_init(&m, family, NLM_F_DUMP, MEMSAN_CMD_GET_REPORTS);
	put_u32(&m, MEMSAN_A_REPORT_SEQ, 1);
	talk(&m, &a);
	check("GET_REPORTS seq of 4 bytes", &a, ANY_ERROR, "");

	msg_init(&m, family, NLM_F_DUMP, MEMSAN_CMD_GET_REPORTS);
	put_u64(&m, MEMSAN_A_REPORT_BUG, 1);
	talk(&m, &a);
	check("GET_REPORTS unexpected attribute", &a, -EINVAL, "");

	req(&m, MEMSAN_CMD_GET_REPORTS);		/* a do, not a dump */
	talk(&m, &a);
	check("GET_REPORTS without NLM_F_DUMP", &a, -EOPNOTSUPP, NULL);

	msg_init(&m, family, NLM_F_DUMP, MEMSAN_CMD_GET_STATUS);
	talk(&m, &a);
	check("GET_STATUS as a dump", &a, -EOPNOTSUPP, NULL);

	req(&m, MEMSAN_CMD_CLEAR);
	put_u32(&m, 1, 0);
	talk(&m, &a);
	check("CLEAR with an attribute", &a, -EINVAL, "");
}

/* Random attributes to the read-only commands: any answer, no crash. */
static void fuzz(void)
{
	static const uint8_t cmds[] = { MEMSAN_CMD_GET_STATUS, MEMSAN_CMD_GET_CONFIG,
					MEMSAN_CMD_GET_REPORTS, MEMSAN_CMD_REPORT, 42 };
	unsigned int rnd = 12345, i, n, answered = 0;
	struct answer a;
	struct msg m;

	for (i = 0; i < 2000; i++) {
		uint8_t cmd = cmds[i % sizeof(cmds)];
		size_t len = rand_r(&rnd) % 256, j;

		msg_init(&m, family, cmd == MEMSAN_CMD_GET_REPORTS ? NLM_F_DUMP : NLM_F_ACK, cmd);
		for (j = 0; j < len; j++)	/* mostly small values: plausible headers */
			m.data[m.len + j] = rand_r(&rnd) % 3 ? rand_r(&rnd) % 12 : rand_r(&rnd);
		/* every few messages, a well-formed attribute header to get deeper */
		if (len >= 4 && i % 3 == 0) {
			struct nlattr *at = (struct nlattr *)(m.data + m.len);

			at->nla_len = len;
			at->nla_type = (rand_r(&rnd) % 4) | (i % 2 ? NLA_F_NESTED : 0);
		}
		m.len += len;
		talk(&m, &a);
		answered += a.error != 1;
	}
	n = i;
	note("fuzz: %u requests, %u answered", n, answered);
	cases++;
	if (answered != n)
		failures++;
	printf("%s %d fuzz: every random request answered\n", answered == n ? "ok" : "not ok",
	       cases);
}

static void still_works(const char *before, size_t before_len)
{
	char after[8192];
	size_t after_len = config_snapshot(after, sizeof(after));
	struct answer a;
	struct msg m;

	req(&m, MEMSAN_CMD_GET_STATUS);
	talk(&m, &a);
	cases++;
	if (a.error || !a.reply_len)
		failures++;
	printf("%s %d GET_STATUS still answers\n", !a.error && a.reply_len ? "ok" : "not ok",
	       cases);
	cases++;
	if (after_len != before_len || memcmp(before, after, after_len))
		failures++;
	printf("%s %d configuration unchanged\n",
	       after_len == before_len && !memcmp(before, after, after_len) ? "ok" : "not ok",
	       cases);
}

static void unprivileged(void)
{
	struct answer a;
	struct msg m;
	int err;

	req(&m, MEMSAN_CMD_GET_STATUS);
	talk(&m, &a);
	check("GET_STATUS (unprivileged: allowed)", &a, 0, NULL);

	req(&m, MEMSAN_CMD_SET_CONFIG);
	put_entry(&m, "redzone", "32");
	talk(&m, &a);
	check("SET_CONFIG unprivileged", &a, -EPERM, NULL);

	req(&m, MEMSAN_CMD_CLEAR);
	talk(&m, &a);
	check("CLEAR unprivileged", &a, -EPERM, NULL);

	msg_init(&m, family, NLM_F_DUMP, MEMSAN_CMD_GET_REPORTS);
	talk(&m, &a);
	check("GET_REPORTS unprivileged", &a, -EPERM, NULL);

	err = setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &reports_group,
			 sizeof(reports_group)) ? -errno : 0;
	memset(&a, 0, sizeof(a));
	a.error = err;
	/* kernels without GENL_MCAST_CAP_SYS_ADMIN let anyone join (then only seq numbers are sent) */
	check("joining the reports group unprivileged", &a, -EPERM, NULL);
}

int main(int argc, char **argv)
{
	bool unpriv = argc > 1 && !strcmp(argv[1], "--unprivileged");
	char before[8192];
	size_t before_len;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !unpriv) {
		fprintf(stderr, "usage: %s [--unprivileged]\n", argv[0]);
		return 2;
	}
	if (open_socket() || resolve()) {
		printf("not ok 1 family '%s' found\n", MEMSAN_GENL_NAME);
		return 1;
	}
	note("family %u, reports group %u, uid %d", family, reports_group, (int)getuid());
	if (unpriv) {
		unprivileged();
	} else {
		before_len = config_snapshot(before, sizeof(before));
		if (!before_len) {
			printf("not ok 1 GET_CONFIG answers\n");
			return 1;
		}
		malformed();
		fuzz();
		still_works(before, before_len);
	}
	note("%d cases, %d failed", cases, failures);
	return failures ? 1 : 0;
}
