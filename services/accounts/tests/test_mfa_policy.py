from accounts.domain.mfa_policy import authentication_methods, mfa_required, used_mfa


def test_staff_and_administrators_need_mfa():
    assert mfa_required(["staff"], [])
    assert mfa_required(["administrator"], [])


def test_officers_and_agents_need_mfa_but_viewers_do_not():
    assert mfa_required(["filer"], ["officer"])
    assert mfa_required(["filer"], ["viewer", "agent"])
    assert not mfa_required(["filer"], ["viewer"])


def test_a_filer_without_links_does_not_need_mfa():
    assert not mfa_required(["filer"], [])


def test_amr_names_the_password_and_the_second_factor():
    assert authentication_methods(second_factor=None) == ["pwd"]
    assert authentication_methods(second_factor="otp") == ["pwd", "otp", "mfa"]
    assert used_mfa(["pwd", "otp", "mfa"]) and not used_mfa(["pwd"])
