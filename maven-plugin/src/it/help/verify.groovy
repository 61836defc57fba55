// The help goal lists the goals under the plugin's prefix, and says how to call them: by the
// plugin's coordinates, or by the prefix once settings.xml names the plugin group.
def log = new File(basedir, 'build.log').text
assert log.contains('gradc:compile')
assert log.contains('gradc:testCompile')
assert log.contains('gradc:help')
assert log.contains('mvn dev.gradc:gradc-maven-plugin:GOAL')
assert log.contains('<pluginGroup>dev.gradc</pluginGroup>')
