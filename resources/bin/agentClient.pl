#!/usr/bin/perl
# The `clusterdeck` launcher's client for the batches the vault agent runs (power, sensors, sel):
# Perl starts in ~2 ms where Node needs 20-60 ms, and that start is most of a small batch.
# It only relays: sends the command line to the agent's socket, copies the output the agent
# rendered to stdout/stderr, and exits with the agent's code. Anything else — no agent, an agent
# that will not run this command line, one that does not answer — runs the full Node CLI instead.
# Usage (resources/bin/clusterdeck runs it): perl agentClient.pl SOCKET NODE CLUSTERDECK_CJS ARG...
# It speaks the same protocol as out/main/agentClient.js (main/hosts/cli/agentClient.ts, which says
# what each frame means) and makes the same choices; test/integration/cli/launcher.test.ts runs both.
use strict;

my ($socket_path, $node, $cli, @args) = @ARGV;
my $FIRST_FRAME_S = ($ENV{CLUSTERDECK_AGENT_ANSWER_MS} || 10000) / 1000;
my %NOT_REPEATABLE = map { $_ => 1 } qw(cycle reset soft);

# The full CLI with the environment the launcher set aside (NODE_EXTRA_CA_CERTS: it may speak TLS).
sub full_cli {
  $ENV{CLUSTERDECK_IN_PROCESS} = 1; # it must not ask the agent again (which might again not answer for 10 s)
  if (exists $ENV{CLUSTERDECK_SAVED_NODE_EXTRA_CA_CERTS}) {
    $ENV{NODE_EXTRA_CA_CERTS} = delete $ENV{CLUSTERDECK_SAVED_NODE_EXTRA_CA_CERTS};
  }
  exec { $node } $node, $cli, @args or die "clusterdeck: cannot run $node: $!\n";
}

sub json_string {
  my $s = shift;
  $s =~ s/([\\"])/\\$1/g;
  $s =~ s/([\x00-\x1f])/sprintf('\\u%04x', ord $1)/ge;
  return qq("$s");
}

# A JSON value from $_[0] at pos(); enough for the agent's frames (objects, arrays, strings, numbers, literals).
sub json_value {
  for ($_[0]) {
    /\G\s*/gc;
    if (/\G\{/gc) {
      my %o;
      /\G\s*/gc;
      return \%o if /\G\}/gc;
      while (1) {
        my $k = json_value($_);
        /\G\s*:/gc or die "bad frame\n";
        $o{$k} = json_value($_);
        /\G\s*/gc;
        next if /\G,/gc;
        return \%o if /\G\}/gc;
        die "bad frame\n";
      }
    }
    if (/\G\[/gc) {
      my @a;
      /\G\s*/gc;
      return \@a if /\G\]/gc;
      while (1) {
        push @a, json_value($_);
        /\G\s*/gc;
        next if /\G,/gc;
        return \@a if /\G\]/gc;
        die "bad frame\n";
      }
    }
    if (/\G"/gc) {
      # The closing quote found with index() (a regex loop over a long string hits Perl's recursion limit).
      my $from = pos;
      my $to = $from;
      while (1) {
        $to = index($_, '"', $to);
        die "bad frame\n" if $to < 0;
        my $backslashes = 0;
        $backslashes++ while $to - $backslashes > $from && substr($_, $to - $backslashes - 1, 1) eq '\\';
        last if $backslashes % 2 == 0;
        $to++;
      }
      my $s = substr($_, $from, $to - $from);
      pos = $to + 1;
      # One left-to-right pass, so an escaped backslash is never read as the start of another escape.
      $s =~ s/\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|(.))/
        defined $1 ? chr(0x10000 + ((hex($1) - 0xD800) << 10) + hex($2) - 0xDC00)
        : defined $3 ? chr(hex $3)
        : ({ b => "\b", f => "\f", n => "\n", r => "\r", t => "\t" }->{$4} \/\/ $4)/gsex;
      return $s;
    }
    return $1 + 0 if /\G(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/gc;
    return 1 if /\Gtrue/gc;
    return 0 if /\G(?:false|null)/gc;
    die "bad frame\n";
  }
}

sub out {
  my ($fh, $text) = @_;
  utf8::encode($text);
  syswrite($fh, $text);
}

# The frame if it is one this client knows (agentClient.ts frameOf checks the same), else undefined.
sub known_frame {
  my $f = shift;
  return undef unless ref $f eq 'HASH' && defined $f->{type} && !ref $f->{type};
  my $t = $f->{type};
  my $int = sub { defined $_[0] && !ref $_[0] && $_[0] =~ /^\d+\z/ };
  return $f if $t eq 'accepted';
  return $f if $t eq 'progress' && $int->($f->{done}) && $int->($f->{total});
  return $f if ($t eq 'stdout' || $t eq 'stderr') && defined $f->{text} && !ref $f->{text};
  return $f if $t eq 'exit' && $int->($f->{code}) && $f->{code} <= 255;
  my $e = $f->{error};
  return $f if $t eq 'error' && ref $e eq 'HASH' && defined $e->{code} && !ref $e->{code} && defined $e->{message} && !ref $e->{message};
  return undef;
}

my $progress = 0; # a progress line is on the terminal
sub clear_progress {
  syswrite(STDERR, "\r\e[K") if $progress;
  $progress = 0;
}

sub give_up {
  clear_progress();
  syswrite(STDERR, "clusterdeck: error: $_[0]\n");
  exit 1;
}

# The socket must be this user's (the agent makes it 0600): Perl, like Node, cannot ask who listens.
my @st = stat $socket_path;
full_cli() unless @st && -S _ && $st[4] == $<;
# Linux's AF_UNIX, SOCK_STREAM and sockaddr_un written out: loading Socket.pm costs more than the rest of the start.
my ($af_unix, $stream, $address) = $^O eq 'linux' ? (1, 1, pack('S a*', 1, $socket_path))
  : do { require Socket; (Socket::AF_UNIX(), Socket::SOCK_STREAM(), Socket::pack_sockaddr_un($socket_path)) };
socket(my $sock, $af_unix, $stream, 0) or full_cli();
connect($sock, $address) or full_cli();

my $user = getpwuid($>) // $ENV{USER} // 'unknown';
my $request = sprintf('{"v":2,"argv":[%s],"user":%s,"tty":{"stdout":%s,"stderr":%s}}' . "\n",
  join(',', map { json_string($_) } @args), json_string($user), (-t STDOUT ? 'true' : 'false'), (-t STDERR ? 'true' : 'false'));
syswrite($sock, $request) or full_cli();

my $interrupts = 0;
$SIG{INT} = sub {
  exit 130 if ++$interrupts > 1; # a second Ctrl-C: leave now (the closed socket cancels the batch)
  syswrite(STDERR, "\nclusterdeck: cancelling: closing the BMC sessions (Ctrl-C again to quit at once)\n");
  syswrite($sock, qq({"type":"cancel"}\n));
};

my ($buffer, $answered) = ('', 0);
# The command after the root's --data-dir options, as agentClient.ts agentCommandStart reads it.
my $at = 0;
$at += $args[$at] eq '--data-dir' ? 2 : 1 while $at < @args && $args[$at] =~ /^--data-dir(?:=|$)/;
my $not_repeatable = ($args[$at] // '') eq 'power' && $NOT_REPEATABLE{$args[$at + 1] // ''};
while (1) {
  my $rin = '';
  vec($rin, fileno($sock), 1) = 1;
  my $n = select(my $rout = $rin, undef, undef, $answered ? undef : $FIRST_FRAME_S);
  next if $n < 0 && $!{EINTR};
  if ($n == 0) {
    # An agent that accepts but never answers is treated as none, unless running it again could cycle a machine twice.
    if ($not_repeatable) {
      give_up(sprintf('the vault agent did not answer within %.1f s and was left; if it had begun the batch, it cancelled it. Check `clusterdeck audit list`, then run again (CLUSTERDECK_IN_PROCESS=1 runs it in this process).', $FIRST_FRAME_S));
    }
    close $sock;
    full_cli();
  }
  my $got = sysread($sock, $buffer, 65536, length $buffer);
  next if !defined $got && $!{EINTR};
  if (!$got) {
    full_cli() unless $answered; # no agent, or one that hung up on this protocol
    give_up('the vault agent went away before the batch ended (was it killed?): BMC sessions it had open may stay open until the BMCs time them out.');
  }
  while ((my $nl = index($buffer, "\n")) >= 0) {
    my $line = substr($buffer, 0, $nl + 1, '');
    utf8::decode($line); # the agent writes UTF-8; the text is written back as UTF-8 by out()
    my $frame = known_frame(eval { json_value($line) });
    if (!$frame) {
      full_cli() unless $answered; # an agent of another version
      give_up('the vault agent sent an answer this client does not understand; the batch was cancelled. Restart the agent (clusterdeck agent stop, then start) after an upgrade.');
    }
    my $type = $frame->{type};
    if ($type eq 'error') {
      full_cli() if !$answered && $frame->{error}{code} eq 'AGENT_FALLBACK';
      clear_progress();
      out(\*STDERR, "clusterdeck: error: $frame->{error}{message}\n");
      exit($frame->{error}{code} eq 'INTERNAL' ? 1 : 2); # as ./exitStatus.ts exitOfErrorCode
    }
    $answered = 1;
    if ($type eq 'progress') {
      syswrite(STDERR, "\r$frame->{done}/$frame->{total} node(s) done");
      $progress = 1;
    } elsif ($type eq 'stdout' || $type eq 'stderr') {
      clear_progress();
      out($type eq 'stdout' ? \*STDOUT : \*STDERR, $frame->{text});
    } elsif ($type eq 'exit') {
      clear_progress();
      exit $frame->{code};
    }
  }
}
