from django import forms
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="选择文件",
        help_text=f"Excel 工作簿（.xlsx）或 CSV，不超过 {settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)} MB。",
        error_messages={"required": "请选择要上传的文件。", "empty": "上传的文件是空的。"},
    )


def _attrs_html(attrs: dict) -> str:
    """Django's ``django/forms/widgets/attrs.html`` in Python: False leaves the attribute out,
    True writes its bare name."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


class FastSelect(forms.Select):
    """A ``<select>`` written in Python: the same HTML as Django's ``Select`` (its optgroups,
    ``selected`` and attributes), without one template include per option. A filter form of the
    province offers hundreds of units and counties; Django's per-option templates took most of
    the candidate list's time (0.14 s of 0.23 s at national size)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], mark_safe(_attrs_html(widget["attrs"])))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html('<option value="{}"{}>{}</option>', option["value"], mark_safe(_attrs_html(option["attrs"])), option["label"])
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))


def fast_selects(form_class: type[forms.BaseForm]) -> type[forms.BaseForm]:
    """Write the plain selects of ``form_class`` in Python (``FastSelect``); other widgets stay."""
    for field in form_class.base_fields.values():
        if type(field.widget) is forms.Select:
            field.widget.__class__ = FastSelect  # a subclass with no state of its own: only render differs
    return form_class
