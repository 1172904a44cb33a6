from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from villages.services import read_region_fixture, regions_load

DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "regions-shanxi.csv"


class Command(BaseCommand):
    help = (
        "Load Shanxi's regions (province, cities, county-level units, townships) from the committed "
        "fixture, creating and updating by division code. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FIXTURE, help=f"fixture to load (default: {DEFAULT_FIXTURE})")

    def handle(self, *args, file: Path, **options):
        result = regions_load(rows=read_region_fixture(file))
        self.stdout.write(f"行政区划：{result}")
