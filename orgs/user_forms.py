"""The admin's forms for people: a new user with role and organisation in one form (the organisation
by type-ahead, never a raw id), a password reset, nothing else."""

from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.utils.translation import gettext_lazy as _

from .filters import PickWidget
from .models import Company, Department, Region, User

# Which organisation each role speaks for (SPEC.md "People and what each does").
ORGANISATION_OF_ROLE = {
    User.Role.TASK_FORCE: "region",
    User.Role.TOWNSHIP: "region",
    User.Role.DEPARTMENT: "department",
    User.Role.COMPANY: "company",
    User.Role.ADMIN: None,
}


class UserCreateForm(SetPasswordMixin, forms.ModelForm):
    """Role and organisation together: a township officer without a township would see nothing."""

    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("初始密码"), label2=_("再次输入密码")
    )
    region = forms.ModelChoiceField(
        label=_("所属行政区（专班、镇街）"), queryset=Region.objects.all(), required=False,
        widget=PickWidget("orgs:pick_region"),
    )  # fmt: skip
    department = forms.ModelChoiceField(
        label=_("所属部门"), queryset=Department.objects.all(), required=False,
        widget=PickWidget("orgs:pick_department"),
    )  # fmt: skip
    company = forms.ModelChoiceField(
        label=_("所属物业企业"), queryset=Company.objects.all(), required=False,
        widget=PickWidget("orgs:pick_company"),
    )  # fmt: skip

    class Meta:
        model = User
        fields = ["username", "full_name", "phone", "role", "region", "department", "company"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, PickWidget):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        self.validate_passwords()
        role = data.get("role")
        needed = ORGANISATION_OF_ROLE.get(role)
        for name in ("region", "department", "company"):
            if name != needed:
                data[name] = None  # only the role's own organisation is kept
        if needed and not data.get(needed):
            self.add_error(needed, _("请选择该角色所属的单位"))
        region = data.get("region")
        if role == User.Role.TOWNSHIP and region is not None and region.level != Region.Level.TOWNSHIP:
            self.add_error("region", _("镇街账号请选择一个乡镇/街道"))
        if role == User.Role.DEPARTMENT and data.get("department"):
            data["region"] = data["department"].region  # a department sees the items of its region
        return data

    def _post_clean(self) -> None:
        super()._post_clean()
        self.validate_password_for_user(self.instance)  # "too similar to the username" needs the user

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        # The admin role runs the system, the /admin/ site included.
        user.is_staff = user.is_superuser = user.role == User.Role.ADMIN
        user = self.set_password_and_save(user, commit=commit)
        return user


class PasswordResetForm(SetPasswordMixin, forms.Form):
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("新密码"), label2=_("再次输入新密码")
    )

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        self.validate_passwords()
        self.validate_password_for_user(self.user)
        return super().clean()

    def save(self) -> User:
        return self.set_password_and_save(self.user)
