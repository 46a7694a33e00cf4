from conftest import run_cli, REPO_ROOT
def test_smoke():
    r = run_cli("rank", "-f", "csv", cwd=REPO_ROOT)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("rank,id,title,pool,status,risk,effort,value,score")
    assert "REN-11" in r.stderr
