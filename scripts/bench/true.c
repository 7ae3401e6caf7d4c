/* true.c - the tiny program the exec storm runs: exits 0 at once.  Linked statically, so an
 * exec costs the kernel's work and no dynamic loader (no opens of shared libraries). */
int
main(void)
{
	return 0;
}
