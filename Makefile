# SPDX-License-Identifier: GPL-2.0
#
# memsan top-level Makefile.
#
#   make [KDIR=...] [ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-]
#        builds kmod/memsan.ko (+ kmod/Module.symvers), userspace-ctl/memsan-ctl
#        and the selftests (selftests/memsan/memsan_victim.ko, memsan_test)
#   make demo     boot a QEMU guest, load memsan and a buggy module, show the report
#   make check    every test: unit, fuzz smoke, selftests in the guests, CLI,
#                 the real-code suite (Debian 6.1, 6.12 and 7.3, both arches)
#   make check-all   make check, plus bookworm's own 6.12 and sid's 7.2 (KERNELS=...)
#   make deps     install the Debian packages the build and the tests need
#   make bench [ARCH=x86_64|arm64|all]   benchmarks: measured ratios, never a failure
#   make install [PREFIX=/usr/local] [DESTDIR=]
#        installs memsan-ctl and its man page, and memsan.mk, memsan_redirect.h,
#        compat/conftest.sh and Module.symvers (of the kernel memsan.ko was built for) in
#        $(PREFIX)/share/memsan/kmod/: a module's Kbuild then uses
#        MEMSAN := $(PREFIX)/share/memsan  and  include $(MEMSAN)/kmod/memsan.mk

KDIR ?= /lib/modules/$(shell uname -r)/build
ARCH ?=
CROSS_COMPILE ?=

KMAKE = $(MAKE) -C $(KDIR) $(if $(ARCH),ARCH=$(ARCH)) \
	$(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE))

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
MEMSANDIR = $(PREFIX)/share/memsan

.PHONY: all kmod userspace-ctl selftests clean check check-all demo deps bench install soak

all: kmod userspace-ctl selftests

kmod:
	$(KMAKE) M=$(CURDIR) modules
	cp Module.symvers kmod/Module.symvers

userspace-ctl:
	$(MAKE) -C userspace-ctl $(if $(CROSS_COMPILE),CC=$(CROSS_COMPILE)gcc)

selftests: kmod
	$(MAKE) -C selftests/memsan KDIR=$(KDIR) $(if $(ARCH),ARCH=$(ARCH)) \
		$(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE))

check:
	bash scripts/check

check-all:
	KERNELS=$${KERNELS:-6.1,6.12,7.3,6.12-deb12,7.2} bash scripts/check

demo:
	bash scripts/demo

deps:
	bash scripts/install-deps

bench:
	bash scripts/bench

# The stress suite's long form (issue 11): make soak DURATION=1h [ARCHES=x86_64]
soak:
	bash selftests/stress/soak.sh $(or $(DURATION),1h)

# Installs what is built: run 'make' (or 'make kmod userspace-ctl') first.
install:
	@test -x userspace-ctl/memsan-ctl || \
		{ echo "install: no userspace-ctl/memsan-ctl: run 'make' first" >&2; exit 1; }
	@test -f kmod/Module.symvers || \
		{ echo "install: no kmod/Module.symvers: run 'make' first" >&2; exit 1; }
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MEMSANDIR)/kmod
	install -m 0755 userspace-ctl/memsan-ctl $(DESTDIR)$(BINDIR)/memsan-ctl
	install -m 0644 userspace-ctl/memsan-ctl.1 $(DESTDIR)$(MANDIR)/man1/memsan-ctl.1
	install -m 0644 kmod/memsan.mk kmod/memsan_redirect.h kmod/Module.symvers \
		$(DESTDIR)$(MEMSANDIR)/kmod/
	install -d $(DESTDIR)$(MEMSANDIR)/kmod/compat
	install -m 0755 kmod/compat/conftest.sh $(DESTDIR)$(MEMSANDIR)/kmod/compat/

clean:
	-$(KMAKE) M=$(CURDIR) clean
	rm -f kmod/Module.symvers
	-$(MAKE) -C userspace-ctl clean
	-$(MAKE) -C selftests/memsan KDIR=$(KDIR) clean
	-$(MAKE) -C shadow clean
	-$(MAKE) -C bench KDIR=$(KDIR) clean
