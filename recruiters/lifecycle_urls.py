from django.urls import path

from recruiters import lifecycle_views

urlpatterns = [
    path("sign-out-everywhere/", lifecycle_views.sign_out_everywhere, name="sign_out_everywhere"),
    path("delete-account/", lifecycle_views.delete_account, name="delete_account"),
]
