from django import forms
from django.conf import settings


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="选择文件",
        help_text=f"Excel 工作簿（.xlsx）或 CSV，不超过 {settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)} MB。",
        error_messages={"required": "请选择要上传的文件。", "empty": "上传的文件是空的。"},
    )
