# SPDX-License-Identifier: GPL-2.0
#
# memsan top-level Makefile.
#
#   make [KDIR=...] [ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-]
#        builds kmod/memsan.ko (+ kmod/Module.symvers), userspace-ctl/memsan-ctl
#        and the selftests (selftests/memsan/memsan_victim.ko, memsan_test)
#   make demo     boot a QEMU guest, load memsan and a buggy module, show the report
#   make check    every test: unit, fuzz smoke, selftests in the guests, CLI
#   make deps     install the Debian packages the build and the tests need
#   make bench [ARCH=x86_64|arm64|all]   benchmarks: measured ratios, never a failure

KDIR ?= /lib/modules/$(shell uname -r)/build
ARCH ?=
CROSS_COMPILE ?=

KMAKE = $(MAKE) -C $(KDIR) $(if $(ARCH),ARCH=$(ARCH)) \
	$(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE))

.PHONY: all kmod userspace-ctl selftests clean check demo deps bench

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

demo:
	bash scripts/demo

deps:
	bash scripts/install-deps

bench:
	bash scripts/bench

clean:
	-$(KMAKE) M=$(CURDIR) clean
	rm -f kmod/Module.symvers
	-$(MAKE) -C userspace-ctl clean
	-$(MAKE) -C selftests/memsan KDIR=$(KDIR) clean
	-$(MAKE) -C shadow clean
	-$(MAKE) -C bench KDIR=$(KDIR) clean
