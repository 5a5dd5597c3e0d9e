"""Settings → the account itself: sign out everywhere, and delete the account. Both ask for
the password first (recruiters.accounts.forms.PasswordConfirmForm); the rules are in
recruiters.lifecycle."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from recruiters import lifecycle
from recruiters.accounts.forms import PasswordConfirmForm

CONFIRM_WORD = "DELETE"


class DeleteAccountForm(PasswordConfirmForm):
    # A password manager fills the password in by itself: the typed word is the decision.
    confirm = forms.CharField(label=f"Type {CONFIRM_WORD} to confirm", max_length=20)

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip().upper() != CONFIRM_WORD:
            raise forms.ValidationError(f"Type {CONFIRM_WORD} to confirm.")
        return CONFIRM_WORD


@require_http_methods(["GET", "POST"])
def sign_out_everywhere(request):
    form = PasswordConfirmForm(request.POST or None, request=request)
    if form.is_valid():
        lifecycle.sign_out_everywhere(request, form.cleaned_data["password"])
        messages.success(
            request,
            "Signed out everywhere else. Older digest links no longer work, and your calendar "
            "feed has a new address: subscribe again from the export page.",
        )
        return redirect("settings")
    status = 422 if form.is_bound else 200
    return render(request, "lifecycle/sign_out_everywhere.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, request=request)
    if form.is_valid():
        user = request.user
        logout(request)
        lifecycle.delete_account(user)
        messages.success(request, "Your account and everything in it have been deleted.")
        return redirect("landing")
    status = 422 if form.is_bound else 200
    return render(request, "lifecycle/delete_account.html", {"form": form}, status=status)
