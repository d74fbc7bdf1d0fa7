// A pod page whose pod is in no run of the build (the pod's layout answers 404).
import MissingAddress from '@/app/components/MissingAddress';

export default function PodNotFound() {
  return <MissingAddress missing="pod" />;
}
