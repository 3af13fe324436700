// SPDX-License-Identifier: GPL-2.0
/* Stands in for a module in the --decode test: built with -g into decode_fixture.ko. */
int fixture_helper(int x);

int fixture_target(int x)
{
	int y = x * 3;

	y += fixture_helper(y);		/* FIXTURE_CALL_LINE */
	return y + 1;
}

int fixture_helper(int x)
{
	return x ^ 0x55;
}
