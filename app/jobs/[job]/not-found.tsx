// A job page whose build does not exist (the build's layout answers 404),
// shown under the job's heading and tabs.
import MissingAddress from '@/app/components/MissingAddress';

export default function BuildNotFound() {
  return <MissingAddress missing="build" />;
}
