from django.urls import path

from . import views

app_name = "branches"

urlpatterns = [
    path("villages/", views.VillageListView.as_view(), name="village-list"),
    path("villages/add/", views.VillageFormView.as_view(), name="village-add"),
    path("villages/<pk:pk>/", views.VillageDetailView.as_view(), name="village-detail"),
    path("villages/<pk:pk>/edit/", views.VillageFormView.as_view(), name="village-edit"),
    path("branches/", views.BranchListView.as_view(), name="branch-list"),
    path("branches/add/", views.BranchFormView.as_view(), name="branch-add"),
    path("branches/<pk:pk>/", views.BranchDetailView.as_view(), name="branch-detail"),
    path("branches/<pk:pk>/edit/", views.BranchFormView.as_view(), name="branch-edit"),
    path("members/", views.PartyMemberListView.as_view(), name="member-list"),
    path("members/add/", views.PartyMemberFormView.as_view(), name="member-add"),
    path("members/<pk:pk>/", views.PartyMemberDetailView.as_view(), name="member-detail"),
    path("members/<pk:pk>/edit/", views.PartyMemberFormView.as_view(), name="member-edit"),
]
