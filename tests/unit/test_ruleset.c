/* test_ruleset.c - placeholder until the condition pipeline lands. */
int main(void) { return 0; }
