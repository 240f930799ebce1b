import traceback
import tests.integration.test_concurrency as t
orig = t.assert_one_winner
def show(results):
    for r in results:
        if r != "ok":
            print("TB", "".join(traceback.format_exception(r)[-6:]))
    orig(results)
t.assert_one_winner = show
t.ROUNDS = 1
