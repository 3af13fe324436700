// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl: the generic netlink transport (libnl-genl-3).
 *
 * One socket for requests (replies, dumps, acks with extack messages), one
 * for the "reports" multicast group.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "memsan-ctl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK		270
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK		10
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED		0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS		0x200
#endif
#define MS_NLMSGERR_ATTR_MSG	1
#define MS_NLMSGERR_ATTR_OFFS	2

/* Receive buffer of the group socket: room for a burst of reports. */
#define MS_GROUP_RCVBUF		(8 << 20)

volatile int ms_stop;

static void set_opt(struct nl_sock *sk, int level, int name, int value)
{
	/* best effort: old kernels lack extended acks */
	(void)setsockopt(nl_socket_get_fd(sk), level, name, &value, sizeof(value));
}

static struct nl_sock *open_socket(struct state *st)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk) {
		ms_warn(st, "out of memory");
		return NULL;
	}
	err = genl_connect(sk);
	if (err) {
		ms_warn(st, "cannot open a generic netlink socket: %s", nl_geterror(err));
		nl_socket_free(sk);
		return NULL;
	}
	/* Reports are bigger than a page: size each read to the message. */
	nl_socket_enable_msg_peek(sk);
	set_opt(sk, SOL_NETLINK, NETLINK_EXT_ACK, 1);
	set_opt(sk, SOL_NETLINK, NETLINK_CAP_ACK, 1);
	return sk;
}

int ms_nl_open(struct state *st)
{
	int id;

	if (st->sk)
		return 0;
	st->sk = open_socket(st);
	if (!st->sk)
		return MS_EXIT_ERROR;
	id = genl_ctrl_resolve(st->sk, st->family_name);
	if (id < 0) {
		nl_socket_free(st->sk);
		st->sk = NULL;
		if (id == -NLE_OBJ_NOTFOUND) {
			if (!ms_module_loaded(st))
				return ms_error(st, MS_EXIT_NOT_LOADED,
						"memsan is not loaded (no %s): insmod memsan.ko first",
						st->sysfs_dir);
			return -1;
		}
		return ms_error(st, MS_EXIT_ERROR, "cannot look up the generic netlink family '%s': %s",
				st->family_name, nl_geterror(id));
	}
	st->family_id = id;
	return 0;
}

int ms_nl_need(struct state *st)
{
	int ret = ms_nl_open(st);

	if (ret >= 0)
		return ret;
	return ms_error(st, MS_EXIT_ERROR,
			"memsan is loaded but its generic netlink family '%s' is not available "
			"(it exists in the initial network namespace only): this command needs it",
			st->family_name);
}

bool ms_module_loaded(struct state *st)
{
	return access(st->sysfs_dir, F_OK) == 0;
}

void ms_nl_close(struct state *st)
{
	if (st->sk)
		nl_socket_free(st->sk);
	if (st->mc)
		nl_socket_free(st->mc);
	st->sk = NULL;
	st->mc = NULL;
}

struct nl_msg *ms_nl_msg(struct state *st, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!(flags & NLM_F_DUMP))
		flags |= NLM_F_ACK;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, st->family_id, 0, flags, cmd,
			 MEMSAN_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* A private copy of @sk's callbacks. */
static struct nl_cb *clone_cb(struct nl_sock *sk)
{
	struct nl_cb *orig = nl_socket_get_cb(sk), *cb;

	cb = nl_cb_clone(orig);
	nl_cb_put(orig);
	return cb;
}

struct request {
	struct state *st;
	ms_nl_handler handler;
	void *arg;
	bool done;
	int err;		/* negative errno from the kernel */
	int handler_err;	/* the handler's nonzero return */
};

/* The extended ack after a struct nlmsgerr: its message and attribute offset. */
static void parse_extack(struct state *st, const struct nlmsgerr *e)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	struct nlattr *a;
	int rem;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len > NLMSG_HDRLEN)
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	if (off >= nlh->nlmsg_len)
		return;
	nla_for_each_attr(a, (struct nlattr *)((char *)nlh + off), nlh->nlmsg_len - off, rem) {
		if (nla_type(a) == MS_NLMSGERR_ATTR_MSG && nla_len(a) > 0)
			snprintf(st->extack, sizeof(st->extack), "%.*s", nla_len(a),
				 (const char *)nla_data(a));
		else if (nla_type(a) == MS_NLMSGERR_ATTR_OFFS && nla_len(a) == 4)
			st->extack_off = (int)nla_get_u32(a);
	}
}

static int error_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct request *req = arg;

	req->err = e->error;
	req->done = true;
	if (e->error)
		parse_extack(req->st, e);
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;

	req->done = true;
	return NL_STOP;
}

/* NLMSG_DONE of a dump: its payload is the dump's error, if any. */
static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct request *req = arg;
	int err;

	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0)
			req->err = err;
	}
	req->done = true;
	return NL_STOP;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	int ret;

	if (!req->handler)
		return NL_OK;
	ret = req->handler(req->st, nlmsg_hdr(msg), req->arg);
	if (ret && !req->handler_err)
		req->handler_err = ret;
	return NL_OK;	/* read the rest of the reply even so */
}

static int nlerr_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_PERM:
		return EPERM;
	case NLE_NOACCESS:
		return EACCES;
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_OBJ_NOTFOUND:
		return ENOENT;
	case NLE_MSGSIZE:
		return EMSGSIZE;
	default:
		return EIO;
	}
}

int ms_nl_request(struct state *st, struct nl_msg *msg, ms_nl_handler handler, void *arg)
{
	struct request req = { .st = st, .handler = handler, .arg = arg };
	struct nl_cb *cb;
	int err;

	st->nl_errno = 0;
	st->extack[0] = '\0';
	st->extack_off = -1;
	cb = clone_cb(st->sk);
	if (!cb) {
		nlmsg_free(msg);
		st->nl_errno = ENOMEM;
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &req);
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, &req);

	err = nl_send_auto(st->sk, msg);
	nlmsg_free(msg);
	if (err < 0) {
		nl_cb_put(cb);
		st->nl_errno = nlerr_errno(err);
		return -st->nl_errno;
	}
	while (!req.done) {
		err = nl_recvmsgs(st->sk, cb);
		if (err < 0 && !req.done) {
			req.err = -nlerr_errno(err);
			break;
		}
	}
	nl_cb_put(cb);
	if (req.err) {
		st->nl_errno = -req.err;
		return req.err;
	}
	return req.handler_err ? -EPROTO : 0;
}

int ms_nl_do(struct state *st, uint8_t cmd, ms_nl_handler handler, void *arg)
{
	struct nl_msg *msg = ms_nl_msg(st, cmd, 0);

	if (!msg) {
		st->nl_errno = ENOMEM;
		return -ENOMEM;
	}
	return ms_nl_request(st, msg, handler, arg);
}

static int status_brief_reply(struct state *st, struct nlmsghdr *nlh, void *arg)
{
	struct ms_status *s = calloc(1, sizeof(*s));
	struct ms_status_brief *b = arg;
	char why[256];

	if (!s)
		return MS_EXIT_ERROR;
	if (!ms_parse_status(nlh, s, why, sizeof(why))) {
		snprintf(b->version, sizeof(b->version), "%s", s->version);
		b->next_seq = s->has_next_seq ? s->next_seq : 0;
	}
	free(s);
	return 0;
}

int ms_get_status_brief(struct state *st, struct ms_status_brief *b)
{
	memset(b, 0, sizeof(*b));
	return ms_nl_do(st, MEMSAN_CMD_GET_STATUS, status_brief_reply, b);
}

int ms_nl_fail(struct state *st, const char *what, const char *privilege)
{
	if (st->nl_errno == EPERM || st->nl_errno == EACCES)
		return ms_error(st, MS_EXIT_PERM, "permission denied: %s needs %s", what,
				privilege ? privilege : "more privileges");
	if (st->extack[0])
		return ms_error(st, MS_EXIT_ERROR, "%s: %s (%s)", what, st->extack,
				strerror(st->nl_errno));
	return ms_error(st, MS_EXIT_ERROR, "%s: %s", what, strerror(st->nl_errno));
}

int ms_nl_subscribe(struct state *st)
{
	int grp, err, size = MS_GROUP_RCVBUF;

	grp = genl_ctrl_resolve_grp(st->sk, st->family_name, MEMSAN_MCGRP_REPORTS);
	if (grp < 0)
		return ms_error(st, MS_EXIT_ERROR, "memsan has no '%s' multicast group: %s",
				MEMSAN_MCGRP_REPORTS, nl_geterror(grp));
	st->mc = open_socket(st);
	if (!st->mc)
		return MS_EXIT_ERROR;
	nl_socket_disable_seq_check(st->mc);
	/* A bigger buffer than the default if allowed: CAP_NET_ADMIN may force it. */
	if (setsockopt(nl_socket_get_fd(st->mc), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		(void)setsockopt(nl_socket_get_fd(st->mc), SOL_SOCKET, SO_RCVBUF, &size,
				 sizeof(size));
	err = nl_socket_add_membership(st->mc, grp);
	if (err) {
		st->nl_errno = nlerr_errno(err);
		if (st->nl_errno == EPERM || st->nl_errno == EACCES)
			return ms_error(st, MS_EXIT_PERM,
					"permission denied: receiving reports needs CAP_SYS_ADMIN");
		return ms_error(st, MS_EXIT_ERROR, "cannot join the '%s' group: %s",
				MEMSAN_MCGRP_REPORTS, nl_geterror(err));
	}
	return 0;
}

struct listen {
	struct state *st;
	ms_nl_handler handler;
	void *arg;
	int handler_err;
};

static int listen_cb(struct nl_msg *msg, void *arg)
{
	struct listen *l = arg;
	int ret = l->handler(l->st, nlmsg_hdr(msg), l->arg);

	if (ret && !l->handler_err)
		l->handler_err = ret;
	return NL_OK;
}

static void on_signal(int sig)
{
	ms_stop = sig;
}

int ms_nl_listen(struct state *st, ms_nl_handler handler, void *arg)
{
	struct listen l = { .st = st, .handler = handler, .arg = arg };
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART: poll returns */
	struct pollfd pfd = { .fd = nl_socket_get_fd(st->mc), .events = POLLIN };
	struct nl_cb *cb = clone_cb(st->mc);
	bool overrun = false;
	int n, err, ret = 0;

	if (!cb)
		return -1;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, listen_cb, &l);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!ms_stop && !l.handler_err) {
		/* after an overrun, first read what the socket still holds */
		n = poll(&pfd, 1, overrun ? 0 : -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ms_warn(st, "poll: %s", strerror(errno));
			ret = -1;
			break;
		}
		if (!n) {
			/* drained: now the handler fetches what the kernel dropped for us */
			overrun = false;
			ret = handler(st, NULL, arg);
			if (ret)
				break;
			continue;
		}
		err = nl_recvmsgs(st->mc, cb);
		if (err == -NLE_NOMEM) {
			overrun = true;		/* ENOBUFS: the socket's buffer was full */
		} else if (err < 0 && err != -NLE_INTR && err != -NLE_AGAIN) {
			ms_warn(st, "receiving reports: %s", nl_geterror(err));
			ret = -1;
			break;
		}
	}
	nl_cb_put(cb);
	return ret ? ret : l.handler_err;
}
