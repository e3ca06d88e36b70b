"""Each role logs in through the real form and sees its own navigation."""

import pytest

from e2e.conftest import login

EXPECTED_NAV = {
    "agent": {"workspace", "quality", "campaigns"},
    "supervisor": {"workspace", "quality"},
    "manager": {"workspace", "quality"},
    "knowledge_manager": {"quality"},
    "qa_reviewer": {"quality"},
    "admin": {"workspace", "admin", "quality"},
}
NEVER = {
    "agent": {"admin", "approvals"},
    "supervisor": {"admin"},
    "manager": {"admin"},
    "knowledge_manager": {"admin", "approvals", "workspace", "campaigns"},
    "qa_reviewer": {"admin", "approvals", "workspace", "dashboard", "campaigns"},
    "admin": set(),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", list(EXPECTED_NAV))
def test_role_sees_its_navigation(page, world, username):
    login(page, username)
    assert "/accounts/login/" not in page.url
    shown = set(page.locator("nav.mainnav a").evaluate_all("links => links.map(a => a.dataset.nav)"))
    assert EXPECTED_NAV[username] <= shown, shown
    assert not (NEVER[username] & shown), shown
    assert (
        page.locator(".userbox .who")
        .inner_text()
        .endswith(
            {
                "agent": "Agent",
                "supervisor": "Supervisor",
                "manager": "Manager",
                "knowledge_manager": "Knowledge manager",
                "qa_reviewer": "QA reviewer",
                "admin": "Administrator",
            }[username]
        )
    )


@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_error(page, world):
    login(page, "agent", "not-the-password")
    assert "did not match" in page.locator("[role=alert]").inner_text()
    assert "/accounts/login/" in page.url


@pytest.mark.django_db(transaction=True)
def test_a_service_account_cannot_sign_in_and_is_told_why(page, world):
    login(page, "integrator")
    assert "/accounts/login/" in page.url
    assert "service account" in page.locator("[role=alert]").inner_text()
