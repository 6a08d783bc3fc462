"""A Debian library as a Bazel repository holding only its own headers.

`new_local_repository(path = "/usr")` would put all of /usr/include on the include path of
whatever uses the library, glibc's headers among them; in the aarch64 cross build
(--config=aarch64) those x86-64 glibc headers would then shadow the cross compiler's own. Here
the repository's include/ holds links to the named entries of /usr/include and nothing else, so
both builds find the C library where their compiler keeps it. The libraries themselves are found
by the linker in its own multiarch directory (/usr/lib/x86_64-linux-gnu or
/usr/lib/aarch64-linux-gnu), so one BUILD file serves both.
"""

def _system_library_impl(ctx):
    include = ctx.path("/usr/include")
    for name in ctx.attr.headers:
        if name.endswith("*"):  # every entry whose name begins with the rest
            sources = [e for e in include.readdir() if e.basename.startswith(name[:-1])]
        else:
            sources = [ctx.path("/usr/include/" + name)]
        if not sources or not sources[0].exists:
            fail("%s: /usr/include/%s is missing; run tools/setup.sh" % (ctx.name, name))
        for source in sources:
            ctx.symlink(source, "include/" + source.basename)
    ctx.symlink(ctx.attr.build_file, "BUILD.bazel")
    ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % ctx.name)

system_library = repository_rule(
    implementation = _system_library_impl,
    attrs = {
        "build_file": attr.label(mandatory = True, allow_single_file = True),
        "headers": attr.string_list(
            mandatory = True,
            doc = "Entries of /usr/include (directories or files) the library's headers are; " +
                  "a name ending in * stands for every entry it begins",
        ),
    },
    local = True,
    doc = "A library installed under /usr by Debian, its headers alone under include/.",
)
