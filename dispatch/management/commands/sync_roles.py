from django.core.management.base import BaseCommand

from dispatch.roles import sync_role_groups


class Command(BaseCommand):
    help = "Create one group per role and set its permissions to those listed in dispatch/roles.py. Runs after every migrate too."

    def handle(self, *args, **options):
        changes = sync_role_groups()
        for line in changes:
            self.stdout.write(line)
        self.stdout.write(f"角色权限组已同步（{len(changes)} 个有变化）。")
