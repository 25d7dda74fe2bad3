from django.contrib import admin

from sync.models import SyncLogEntry, SyncRun


class SyncLogInline(admin.TabularInline):
    model = SyncLogEntry
    extra = 0
    readonly_fields = ["level", "entity", "cw_id", "message", "created_at"]


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "connection", "kind", "status", "done", "total", "created_at"]
    list_filter = ["status", "kind", "tenant"]
    readonly_fields = [f.name for f in SyncRun._meta.fields]
    inlines = [SyncLogInline]
